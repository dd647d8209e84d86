"""AnswerChain's token probabilities and banned tokens, against a fake chat model that records what it was
asked (the real local model: tests/integration/test_local_llm.py)."""
import math

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage
from langchain_core.outputs import ChatGeneration, ChatResult

from rag.llm.chain import AnswerChain
from rag.types import Chunk, Hit, TokenChoice

HITS = [Hit(Chunk(source="a.txt", article_no=0, text="示范区信访案件化解群众满意率达到99.01%。", start=0, end=20), 1.0)]


class Recording(BaseChatModel):
    """Answers "资料…" with OpenAI-shaped logprobs; remembers the messages and keyword arguments of each call."""
    calls: list = []
    messages: list = []
    logprobs_payload: dict | None = None

    @property
    def _llm_type(self) -> str:
        return "recording"

    def _generate(self, messages, stop=None, run_manager=None, **kwargs):
        self.calls.append(kwargs)
        self.messages.append(messages)
        meta = {"logprobs": self.logprobs_payload} if self.logprobs_payload else {}
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content="资料", response_metadata=meta))])


TOP = [{"id": 101111, "token": "资料", "logprob": math.log(0.12)}, {"id": 18493, "token": "在", "logprob": math.log(0.07)}]


def test_first_token_reads_the_top_choices_of_the_first_position():
    model = Recording(calls=[], logprobs_payload={"content": [{"token": "资料", "logprob": -2.1, "top_logprobs": TOP}]})
    got = AnswerChain(model, token_probs=True).first_token("满意率是多少？", HITS)
    assert [(c.id, c.token) for c in got] == [(101111, "资料"), (18493, "在")]
    assert all(isinstance(c, TokenChoice) for c in got)
    assert math.isclose(got[0].p, 0.12) and math.isclose(got[1].p, 0.07)
    assert model.calls[-1]["max_tokens"] == 1 and model.calls[-1]["logprobs"] is True
    assert model.calls[-1]["top_logprobs"] == 20


def test_first_token_is_none_without_probabilities():
    chain = AnswerChain(Recording(calls=[], messages=[]), token_probs=True)
    assert chain.first_token("满意率是多少？", HITS) is None  # the endpoint gave none


def test_an_endpoint_not_known_to_give_probabilities_is_not_asked():
    """A remote OpenAI-compatible endpoint (the default): no extra request per refusal."""
    model = Recording(calls=[], messages=[], logprobs_payload={"content": [{"top_logprobs": TOP}]})
    assert AnswerChain(model).first_token("满意率是多少？", HITS) is None and model.calls == []


def test_banned_tokens_go_to_logit_bias_and_only_to_that_request():
    model = Recording(calls=[], messages=[])
    chain = AnswerChain(model)
    assert "".join(chain.stream("满意率是多少？", HITS, banned=(101111, 7))) == "资料"
    assert model.calls[-1]["logit_bias"] == {"101111": -100, "7": -100}
    "".join(chain.stream("满意率是多少？", HITS))
    assert "logit_bias" not in model.calls[-1]
