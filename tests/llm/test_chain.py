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
    """Answers "资料…" with OpenAI-shaped logprobs; remembers the keyword arguments of each call."""
    calls: list = []
    top_logprobs: int | None = None  # the field that says this client can ask for probabilities
    logprobs_payload: dict | None = None

    @property
    def _llm_type(self) -> str:
        return "recording"

    def _generate(self, messages, stop=None, run_manager=None, **kwargs):
        self.calls.append(kwargs)
        meta = {"logprobs": self.logprobs_payload} if self.logprobs_payload else {}
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content="资料", response_metadata=meta))])


TOP = [{"id": 101111, "token": "资料", "logprob": math.log(0.12)}, {"id": 18493, "token": "在", "logprob": math.log(0.07)}]


def test_first_token_reads_the_top_choices_of_the_first_position():
    model = Recording(calls=[], logprobs_payload={"content": [{"token": "资料", "logprob": -2.1, "top_logprobs": TOP}]})
    got = AnswerChain(model).first_token("满意率是多少？", HITS)
    assert [(c.id, c.token) for c in got] == [(101111, "资料"), (18493, "在")]
    assert all(isinstance(c, TokenChoice) for c in got)
    assert math.isclose(got[0].p, 0.12) and math.isclose(got[1].p, 0.07)
    assert model.calls[-1]["max_tokens"] == 1 and model.calls[-1]["logprobs"] is True
    assert model.calls[-1]["top_logprobs"] == 20


def test_first_token_is_none_without_probabilities():
    assert AnswerChain(Recording(calls=[])).first_token("满意率是多少？", HITS) is None  # the endpoint gave none


def test_a_model_that_cannot_give_probabilities_is_not_asked():
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    model = FakeListChatModel(responses=["一", "二"])
    chain = AnswerChain(model)
    assert chain.first_token("满意率是多少？", HITS) is None
    assert "".join(chain.stream("满意率是多少？", HITS)) == "一"  # no response was used up by the question


def test_banned_tokens_go_to_logit_bias_and_only_to_that_request():
    model = Recording(calls=[])
    chain = AnswerChain(model)
    assert "".join(chain.stream("满意率是多少？", HITS, banned=(101111, 7))) == "资料"
    assert model.calls[-1]["logit_bias"] == {"101111": -100, "7": -100}
    "".join(chain.stream("满意率是多少？", HITS))
    assert "logit_bias" not in model.calls[-1]
