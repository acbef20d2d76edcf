"""The client's connection survives ≥ 10,000 malformed frames (hypothesis) over TCP."""

from __future__ import annotations

import asyncio
import logging

from fake_ami import FakeAmi, Recording, fast_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from callcenter.pbx.ami import AmiClient, EventSubscription

MAX_FRAME = 2048
MAX_LINE = 512

_text = st.text(
    st.characters(exclude_characters="\r\n:", exclude_categories=["Cs"]), min_size=1, max_size=40
)
malformed = st.one_of(
    _text.map(lambda line: b"Event: X\r\n" + line.encode() + b"\r\n\r\n"),  # no colon
    _text.filter(lambda s: any(not "!" <= c <= "~" for c in s)).map(
        lambda name: b"Event: X\r\n" + name.encode() + b": v\r\n\r\n"  # invalid header name
    ),
    st.binary(max_size=300)
    .filter(lambda b: b"\r\n\r\n" not in b)
    .map(lambda blob: b"\x00" + blob + b"\r\n\r\n"),  # binary garbage
    st.integers(MAX_LINE + 1, MAX_FRAME - 100).map(
        lambda n: b"Event: X\r\nData: " + b"g" * n + b"\r\n\r\n"  # giant line
    ),
    st.integers(MAX_FRAME // 28 + 1, 400).map(
        lambda n: b"Event: X\r\n" + b"Line: oooooooooooooooooooo\r\n" * n + b"\r\n"  # oversize
    ),
    st.just(b"Orphan: header\r\n\r\n"),  # neither event nor response
)


async def push_and_check(
    server: FakeAmi, client: AmiClient, good: EventSubscription, bad: list[bytes]
) -> None:
    stream = b"".join(
        frame + f"Event: Good\r\nSeq: {n}\r\n\r\n".encode() for n, frame in enumerate(bad)
    )
    await server.push(stream)
    await client.ping()  # answered after everything pushed before it was read
    assert [(await good.get(timeout=1))["Seq"] for _ in bad] == [str(n) for n in range(len(bad))]
    assert len(good) == 0


def test_connection_survives_ten_thousand_malformed_frames(recording: Recording) -> None:
    sent: list[int] = []
    with asyncio.Runner() as runner:
        server = FakeAmi(recording)
        runner.run(server.start())
        client = AmiClient(
            fast_settings(
                server, ping_interval=30, max_frame_size=MAX_FRAME, max_line_size=MAX_LINE
            )
        )
        try:
            runner.run(client.connect(timeout=2))
            good = client.subscribe({"Good"})

            @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
            @given(bad=st.lists(malformed, min_size=70, max_size=100))
            def run(bad: list[bytes]) -> None:
                runner.run(push_and_check(server, client, good, bad))
                sent.append(len(bad))

            logging.getLogger("callcenter.pbx.ami.protocol").setLevel(logging.ERROR)
            run()
            stats = client.parser_stats
            assert stats is not None
            assert stats.malformed == sum(sent) >= 10_000
            assert client.session is not None
            assert client.session.number == 1
            assert server.connections == 1
        finally:
            logging.getLogger("callcenter.pbx.ami.protocol").setLevel(logging.NOTSET)
            runner.run(client.close())
            runner.run(server.stop())
