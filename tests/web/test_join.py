"""Joining an event: the QR codes (SVG and PNG) decode to its public address, the short link leads to it."""

from __future__ import annotations

import io
from pathlib import Path

import zxingcpp
from PIL import Image

from support.clients import Studio
from support.servers import running_server

PUBLIC = "https://wenzheng.example.gov.cn/zx"


def test_the_qr_codes_carry_the_public_address_and_the_short_link_redirects(tmp_path: Path) -> None:
    """With STUDIO_PUBLIC_URL set, qr.png decodes (zxing-cpp) to that address's event page; qr.svg is an SVG
    image of the same code; /j/{id} redirects to the event; unknown events and kinds are 404."""
    with running_server(tmp_path, {"STUDIO_PUBLIC_URL": PUBLIC + "/"}) as server:
        studio = Studio(server)
        slug = studio.new_event(open_it=False)
        with server.http() as client:
            png = client.get(f"/events/{slug}/qr.png")
            assert png.status_code == 200
            assert png.headers["content-type"] == "image/png"
            found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.content)))
            assert [(code.format.name, code.text) for code in found] == [("QRCode", f"{PUBLIC}/events/{slug}")]
            svg = client.get(f"/events/{slug}/qr.svg")
            assert svg.status_code == 200
            assert svg.headers["content-type"].startswith("image/svg+xml")
            assert svg.text.startswith("<svg") and "<script" not in svg.text
            page = client.get(f"/events/{slug}/screen")
            assert f"{PUBLIC.split('://')[1]}/j/" in page.text
            short = page.text.split(f"{PUBLIC.split('://')[1]}/j/")[1].split("<")[0]
            followed = client.get(f"/j/{short}")
            assert (followed.status_code, followed.headers["location"]) == (302, f"/events/{slug}")
            for path in (f"/events/{slug}/qr.gif", "/events/no-such-event/qr.svg", "/j/999999", "/j/0x1",
                         "/events/no-such-event/screen"):
                assert client.get(path).status_code == 404, path
