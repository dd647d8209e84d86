"""Chinese text helpers shared by every stage: CJK ranges, sentences and clauses, the jieba tokenizer
with the local user dictionary, and sanitising of text that will be shown to a model."""
from .cjk import (CJK, CJK_RE, FULLWIDTH_PUNCT, has_word, is_cjk, normalise_compat, strip_invisible, to_simplified,
                  word_chars)
from .sanitise import sanitise_passage, strip_special_tokens
from .sentences import CLOSERS, ITEM_START, SENTENCE_END, clauses, ends_sentence, split_sentences, starts_item
from .tokens import STOPWORDS, USER_DICT, content_tokens, person_names, tokenize

__all__ = ["CJK", "CJK_RE", "CLOSERS", "ITEM_START", "FULLWIDTH_PUNCT", "SENTENCE_END", "STOPWORDS", "USER_DICT", "clauses",
           "content_tokens", "ends_sentence", "has_word", "is_cjk", "normalise_compat", "person_names", "sanitise_passage", "split_sentences", "starts_item",
           "strip_invisible", "strip_special_tokens", "to_simplified", "tokenize", "word_chars"]
