"""A test network: named hosts carried to local servers, every other host refused."""

from __future__ import annotations

import httpx


class RoutingTransport(httpx.AsyncBaseTransport):
    """Carries requests for named hosts to local servers; refuses every other host."""

    def __init__(self, routes: dict[str, str]) -> None:
        self.routes = routes
        self.contacted: list[str] = []
        self.inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        self.contacted.append(host)
        if host not in self.routes:
            raise httpx.ConnectError(f"the test network has no {host}", request=request)
        to = httpx.URL(self.routes[host])
        moved = httpx.Request(
            request.method,
            request.url.copy_with(scheme=to.scheme, host=to.host, port=to.port),
            headers=request.headers,
            stream=request.stream,
            extensions=request.extensions,
        )
        return await self.inner.handle_async_request(moved)

    async def aclose(self) -> None:
        await self.inner.aclose()
