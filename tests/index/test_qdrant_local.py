"""The local-folder Qdrant client is shared by the UI's threads and the writer: its calls must not overlap."""
import threading
import time

from rag.index.qdrant import SerialClient


class SlowClient:
    """Records how many calls run at once (a local collection's arrays are resized by an upsert)."""

    def __init__(self):
        self.running = self.most = 0
        self.guard = threading.Lock()
        self.path = "/tmp/x"

    def _enter(self):
        with self.guard:
            self.running += 1
            self.most = max(self.most, self.running)
        time.sleep(0.02)
        with self.guard:
            self.running -= 1

    def upsert(self, *args, **kwargs):
        self._enter()
        return "upserted"

    def count(self, *args, **kwargs):
        self._enter()
        return 7


def _hammer(client) -> None:
    threads = [threading.Thread(target=(client.upsert if n % 2 else client.count)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def test_calls_on_the_local_client_run_one_at_a_time():
    raw = SlowClient()
    _hammer(raw)
    assert raw.most > 1  # the fake does overlap without the wrapper, so the check below can fail
    slow = SlowClient()
    client = SerialClient(slow)
    _hammer(client)
    assert slow.most == 1
    assert client.count() == 7 and client.upsert() == "upserted" and client.path == "/tmp/x"
