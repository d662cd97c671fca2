"""deep-translator's wire: every request it makes gets a time limit, and DeepL its header key.

deep-translator gives none of its HTTP requests a time limit, and its DeepL client still
authenticates the way DeepL stopped accepting (a GET with `auth_key` in the query). So `_Wire`
takes the place of the `requests` module inside deep-translator's Google, MyMemory, Libre and
DeepL modules: every request gets a timeout, capped by the deadline of the call it belongs
to, and DeepL's is sent as a POST with the key in the Authorization header. Nothing outside
deep-translator is touched.
"""

from __future__ import annotations

import threading
import time
from functools import cache as once
from typing import Any
from urllib.parse import urlsplit

import requests
from deep_translator import deepl as _deepl_module
from deep_translator import google as _google_module
from deep_translator import libre as _libre_module
from deep_translator import mymemory as _mymemory_module

from bot.translate.base import REQUEST_TIMEOUT

_DEEPL_HOSTS = frozenset({"api.deepl.com", "api-free.deepl.com"})


class _CallState(threading.local):
    """What `_Wire` needs to know about the call running on this thread."""

    request_timeout: float = REQUEST_TIMEOUT
    deadline: float | None = None  # time.monotonic() by which the whole call must end
    response: requests.Response | None = None  # the last answer, to classify a failure


# The call running on each thread: set by the service and the translator, read by the wire.
call_state = _CallState()


class _Wire:
    """Stands in for `requests` inside deep-translator's provider modules."""

    def get(self, url: str, **kwargs: Any) -> requests.Response:
        """Send a GET the way deep-translator asked, with a time limit."""
        return self._send("GET", url, kwargs)

    def post(self, url: str, **kwargs: Any) -> requests.Response:
        """Send a POST the way deep-translator asked, with a time limit."""
        return self._send("POST", url, kwargs)

    def _send(self, method: str, url: str, kwargs: dict[str, Any]) -> requests.Response:
        call_state.response = None
        timeout = call_state.request_timeout
        if call_state.deadline is not None:
            left = call_state.deadline - time.monotonic()
            if left <= 0:
                # The caller has given up on this call: send nothing more for it.
                raise requests.Timeout("the translation call ran out of time")
            timeout = min(timeout, left)
        kwargs["timeout"] = timeout
        if method == "GET" and urlsplit(url).hostname in _DEEPL_HOSTS:
            method = "POST"
            kwargs = _deepl_header_auth(kwargs)
        response = requests.request(method, url, **kwargs)
        if "charset" not in response.headers.get("Content-Type", "").lower():
            # requests would read a text/* answer without a charset as Latin-1 and garble
            # it; all four providers answer in UTF-8.
            response.encoding = "utf-8"
        call_state.response = response
        return response


def _deepl_header_auth(kwargs: dict[str, Any]) -> dict[str, Any]:
    """DeepL's /translate takes only POSTs, keyed in the Authorization header since 2026."""
    params = dict(kwargs.pop("params", None) or {})
    key = params.pop("auth_key", "")
    headers = dict(kwargs.pop("headers", None) or {})
    headers["Authorization"] = f"DeepL-Auth-Key {key}"
    return {**kwargs, "data": params, "headers": headers}


@once
def give_deep_translator_timeouts() -> None:
    """Route deep-translator's requests through the wrapper, once, when first needed.

    deep-translator calls requests without a timeout; its modules look `requests` up as a
    module global, so replacing that name there is the only hook. Done on first use, not at
    import, so importing this module changes nothing.
    """
    wire = _Wire()
    for module in (_google_module, _mymemory_module, _libre_module, _deepl_module):
        module.requests = wire
