"""Server addresses as errors and logs show them: no user name, password, query or fragment (rag/redact.py)."""
import pytest

from rag.redact import public_url


@pytest.mark.parametrize("url, shown", [
    ("http://10.0.0.22:8001/v1", "http://10.0.0.22:8001/v1"),
    ("https://user:pw@embed.internal/v1/?api_key=sk-1#x", "https://embed.internal/v1/"),
    ("https://user:pw@[::1]:8443/v1", "https://[::1]:8443/v1"),
    ("http://user:pw@h:99999/x", "http://h:99999/x"),  # a bad port: still no credentials
])
def test_public_url(url, shown):
    assert public_url(url) == shown
