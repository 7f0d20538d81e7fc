"""Real HTTP servers on 127.0.0.1 for the filing checks: each path serves one case (no HTTP mocks)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ICP = "京ICP备20210001号-1"
ICP_KEY = "京ICP备20210001号"
PSB = "京公网安备11011402000001号"
OTHER_ICP = "京ICP备20999999号-1"


def footer(*numbers: str) -> bytes:
    links = "".join(f'<a href="https://beian.miit.gov.cn/">{n}</a> ' for n in numbers)
    page = (
        "<!doctype html><html><head><meta charset='utf-8'><title>示例</title>"
        "<script>var x = '京ICP备20999998号';</script></head>"
        f"<body><main>欢迎访问</main><footer>©2026 示例公司 {links}</footer></body></html>"
    )
    return page.encode("utf-8")


PAGES: dict[str, tuple[int, dict[str, str], bytes]] = {
    "/correct": (200, {}, footer(ICP, PSB)),
    # the numbers spelled with spaces and full-width digits, as some footers do, still count
    "/spaced": (200, {}, footer("京ICP备 ２０２１０００１号-1", "京公网安备 11011402000001号")),
    "/wrong": (200, {}, footer(OTHER_ICP, PSB)),
    "/none": (200, {}, footer()),
    "/gone": (404, {}, b"not here"),
    "/to-private": (302, {"Location": "http://10.0.0.1/"}, b""),
    "/to-metadata": (302, {"Location": "http://169.254.169.254/latest/meta-data/"}, b""),
    "/to-correct": (301, {"Location": "/correct"}, b""),
    "/loop": (302, {"Location": "/loop"}, b""),
}


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/slow":
            time.sleep(3)  # longer than the tests' fetch timeout
            self.send_response(200)
            self.end_headers()
            self.wfile.write(footer(ICP, PSB))
            return
        if self.path == "/huge":
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            try:
                for _ in range(64):  # 4 MiB of padding, the numbers after it
                    self.wfile.write(b"<p>" + b"x" * 65536 + b"</p>")
                self.wfile.write(footer(ICP, PSB))
            except OSError:
                pass  # the client stopped reading at its cap
            return
        status, headers, body = PAGES.get(self.path, (404, {}, b""))
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve() -> Iterator[str]:
    """A threaded server on 127.0.0.1 with a free port; yields its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
