"""Random and damaged input: `parse` returns a ParsedMail or raises UnparseableMail, nothing
else. A mailbox receives whatever anybody sends; an exception here would stop the intake."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caredesk.mail.parsing import ParsedMail, UnparseableMail, parse

from .corpus import corpus_files

SAMPLES = [p.read_bytes() for p in corpus_files()]
FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)


def survives(raw: bytes) -> ParsedMail | None:
    try:
        mail = parse(raw)
    except UnparseableMail:
        return None
    assert mail.message_id
    assert all("/" not in a.filename and "\\" not in a.filename for a in mail.attachments)
    if mail.text.strip():
        assert mail.reply_text.strip()
    return mail


def test_there_are_samples_to_damage():
    assert len(SAMPLES) >= 100


@FUZZ
@given(st.binary(max_size=3000))
def test_random_bytes(raw):
    survives(raw)


HEADERISH = st.lists(
    st.sampled_from(
        [
            b"From: ",
            b"To: ",
            b"Subject: =?utf-8?B?",
            b"=?iso-2022-jp?Q?=1B$B",
            b"?=",
            b"Content-Type: multipart/mixed; boundary=",
            b"Content-Type: message/rfc822",
            b"Content-Transfer-Encoding: base64",
            b"Content-Disposition: attachment; filename*0*=utf-8''%E3",
            b"--",
            b"\r\n",
            b"\n",
            b"\r\n\r\n",
            b"<",
            b">",
            b'"',
            b"(",
            b"@",
            b";",
            b"begin 644 x\n",
            b"\xff\xfe",
            b"a",
        ]
    ),
    max_size=80,
).map(b"".join)


@FUZZ
@given(HEADERISH)
def test_mail_shaped_noise(raw):
    survives(raw)


@FUZZ
@given(
    st.sampled_from(range(len(SAMPLES)) if SAMPLES else [0]),
    st.integers(min_value=0, max_value=50_000),
    st.binary(min_size=0, max_size=8),
)
def test_damaged_corpus_messages(index, position, garbage):
    assert SAMPLES, "mail corpus missing"
    raw = SAMPLES[index]
    position %= len(raw) + 1
    survives(raw[:position])  # cut off mid-transfer
    survives(raw[:position] + garbage + raw[position + len(garbage) :])  # bytes overwritten
