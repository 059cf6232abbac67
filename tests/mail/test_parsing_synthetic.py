"""The parser on small messages written here: one per rule, each with a control that must not
match, so every rule is seen to switch on and off."""

from __future__ import annotations

import struct

import pytest

from caredesk.mail.parsing import ParsedMail, UnparseableMail, parse


def message(*headers: str, body: str = "Hello there.\n", linesep: str = "\r\n") -> bytes:
    """A small message; From/To/Subject/Message-ID are added unless given."""
    given = {h.split(":", 1)[0].lower() for h in headers}
    defaults = [
        ("from", "From: Carol Client <carol@acme.example>"),
        ("to", "To: support@caredesk.example"),
        ("subject", "Subject: Login fails"),
        ("message-id", "Message-ID: <m1@acme.example>"),
    ]
    lines = [line for key, line in defaults if key not in given] + list(headers)
    text = linesep.join(lines) + linesep + linesep + body.replace("\n", linesep)
    return text.encode("utf-8")


# --------------------------------------------------------------------- automatic mail
@pytest.mark.parametrize(
    "header, reason",
    [
        ("Auto-Submitted: auto-replied", "Auto-Submitted: auto-replied"),
        ("Auto-Submitted: auto-generated (failure)", "Auto-Submitted: auto-generated (failure)"),
        ("Precedence: bulk", "Precedence: bulk"),
        ("Precedence: junk", "Precedence: junk"),
        ("Precedence: list", "Precedence: list"),
        ("X-Auto-Response-Suppress: All", "X-Auto-Response-Suppress: All"),
        ("X-Auto-Response-Suppress: DR, OOF, AutoReply", "X-Auto-Response-Suppress: DR, OOF"),
        ("X-Autoreply: yes", "X-Autoreply: yes"),
        ("X-Autorespond: Thanks for your mail", "X-Autorespond: Thanks"),
        ("List-Id: Users <users.lists.example>", "List-Id: Users"),
        ("List-Unsubscribe: <mailto:leave@lists.example>", "List-Unsubscribe:"),
    ],
)
def test_each_automatic_mail_header(header, reason):
    mail = parse(message(header))
    assert mail.auto_submitted is True
    assert mail.auto_reason.startswith(reason)


@pytest.mark.parametrize(
    "header",
    [
        "Auto-Submitted: no",  # RFC 3834: "no" means a person sent it
        "Precedence: first-class",
        "X-Auto-Response-Suppress: DR, RN, NRN",  # only receipts suppressed: a person's mail
        "X-Mailer: Microsoft Outlook 16.0",
    ],
)
def test_headers_that_do_not_make_mail_automatic(header):
    mail = parse(message(header))
    assert (mail.auto_submitted, mail.auto_reason) == (False, "")


@pytest.mark.parametrize(
    "subject",
    [
        "Out of Office: Re: Login fails",
        "Out of Office AutoReply: Login fails",
        "Automatic reply: [INC-000123] Login fails",
        "Autoreply: Login fails",
        "Auto: Login fails",
        "Abwesenheitsnotiz: Login fails",
        "Automatische Antwort: Lizenzfrage",
        "Abwesend",
        "Réponse automatique : Votre demande",
        "Absence du bureau",
        "Respuesta automática: Consulta",
        "Risposta automatica: Richiesta",
        "Automatisch antwoord: Vraag",
    ],
)
def test_out_of_office_subjects(subject):
    mail = parse(message(f"Subject: {subject}"))
    assert mail.auto_submitted and mail.auto_reason.startswith("out-of-office subject")


@pytest.mark.parametrize(
    "subject",
    [
        "Absence of data in the monthly report",
        "Out of office hours support needed",
        "Re: automatic replies stopped working in 11.2",
        "Autotest results attached",
    ],
)
def test_subjects_that_only_look_like_out_of_office(subject):
    assert parse(message(f"Subject: {subject}")).auto_submitted is False


def test_encoded_out_of_office_subject():
    # Outlook encodes the German reply header: =?utf-8?Q?Automatische_Antwort:_...?=
    mail = parse(message("Subject: =?utf-8?Q?Automatische_Antwort=3A_Lizenz?="))
    assert mail.subject == "Automatische Antwort: Lizenz"
    assert mail.auto_submitted


DSN = """\
--B
Content-Type: text/plain

Your message could not be delivered.

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.acme.example

Final-Recipient: rfc822; gone@acme.example
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 user unknown

--B
Content-Type: text/rfc822-headers

Message-ID: <notification-17@caredesk.example>
Subject: Your incident INC-000017

--B--
"""


def test_null_return_path_with_a_delivery_report():
    mail = parse(
        message(
            "Return-Path: <>",
            "From: Mail Delivery System <postmaster@acme.example>",
            "Subject: Undeliverable",
            "Content-Type: multipart/report; report-type=delivery-status; boundary=B",
            body=DSN,
        )
    )
    assert mail.auto_reason == "Return-Path: <> (a delivery report)"
    assert mail.sender_addr == ""
    assert mail.bounce.original_message_id == "notification-17@caredesk.example"
    assert mail.bounce.recipients == [
        ("gone@acme.example", "failed", "5.1.1 550 5.1.1 user unknown")
    ]
    assert mail.bounce.permanent


def test_read_receipt_is_automatic_but_no_bounce():
    body = (
        "--R\nContent-Type: text/plain\n\nYour message was displayed.\n"
        "--R\nContent-Type: message/disposition-notification\n\n"
        "Final-Recipient: rfc822; carol@acme.example\n"
        "Original-Message-ID: <notification-9@caredesk.example>\n"
        "Disposition: manual-action/MDN-sent-manually; displayed\n--R--\n"
    )
    mail = parse(
        message(
            "Subject: Read: INC-000009",
            "Content-Type: multipart/report; report-type=disposition-notification; boundary=R",
            body=body,
        )
    )
    assert mail.bounce is None
    assert mail.auto_submitted and "read receipt" in mail.auto_reason
    assert mail.text == "Your message was displayed."


def test_null_return_path_alone_is_not_automatic():
    mail = parse(message("Return-Path: <>"))  # a person's mail sent with a null envelope
    assert mail.auto_submitted is False and mail.bounce is None


# ----------------------------------------------------------------- text-only bounces
POSTFIX_TEXT = """\
This is the mail system at host mx.acme.example.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

<gone@acme.example>: host mail.acme.example[192.0.2.1] said: 550 5.1.1
    <gone@acme.example>: Recipient address rejected: User unknown (in reply to
    RCPT TO command)

------ This is a copy of the message, including all the headers. ------

Message-ID: <notification-42@caredesk.example>
From: CareDesk <support@caredesk.example>
To: gone@acme.example
Subject: Your incident INC-000042

Hello.
"""

EXIM_TEXT = """\
This message was created automatically by mail delivery software.

A message that you sent could not be delivered to one or more of its
recipients. This is a permanent error. The following address(es) failed:

  nobody@globex.example
    host mx.globex.example [192.0.2.7]
    SMTP error from remote mail server after RCPT TO:<nobody@globex.example>:
    550 5.1.1 No such user here

------ This is a copy of the message, including all the headers. ------

Message-ID: <notification-43@caredesk.example>
Subject: Re: INC-000043
"""

GMAIL_TEXT = """\
Delivery to the following recipient failed permanently:

     missing@initech.example

Technical details of permanent failure:
Google tried to deliver your message, but it was rejected by the server for the recipient
domain initech.example by mx.initech.example. [192.0.2.9].

The error that the other server returned was:
550 5.1.1 The email account that you tried to reach does not exist.

----- Original message -----

Message-ID: <notification-44@caredesk.example>
Subject: INC-000044
"""

EXCHANGE_TEXT = """\
Delivery has failed to these recipients or groups:

left@acme.example (left@acme.example)
The e-mail address you entered couldn't be found.

Diagnostic information for administrators:

Generating server: EX01.acme.example

left@acme.example
#550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup ##

Original message headers:

Message-ID: <notification-45@caredesk.example>
Subject: INC-000045
"""

QMAIL_DELAY_TEXT = """\
Hi. This is the qmail-send program at mx.acme.example.
I'm not going to try again on this message for a while; I will keep trying.

<busy@acme.example>:
421 4.3.0 Mailbox temporarily unavailable, will retry
"""


@pytest.mark.parametrize(
    "sender, subject, body, recipient, status, original",
    [
        (
            "MAILER-DAEMON@mx.acme.example",
            "Undelivered Mail Returned to Sender",
            POSTFIX_TEXT,
            "gone@acme.example",
            "5.1.1",
            "notification-42@caredesk.example",
        ),
        (
            "Mailer-Daemon@mx.globex.example",
            "Mail delivery failed: returning message to sender",
            EXIM_TEXT,
            "nobody@globex.example",
            "5.1.1",
            "notification-43@caredesk.example",
        ),
        (
            "mailer-daemon@googlemail.com",
            "Delivery Status Notification (Failure)",
            GMAIL_TEXT,
            "missing@initech.example",
            "5.1.1",
            "notification-44@caredesk.example",
        ),
        (
            "postmaster@acme.example",
            "Undeliverable: INC-000045",
            EXCHANGE_TEXT,
            "left@acme.example",
            "5.1.10",
            "notification-45@caredesk.example",
        ),
    ],
)
def test_text_only_bounces(sender, subject, body, recipient, status, original):
    mail = parse(message(f"From: {sender}", f"Subject: {subject}", body=body))
    bounce = mail.bounce
    assert bounce is not None
    assert [r[:2] for r in bounce.recipients] == [(recipient, "failed")]
    assert bounce.recipients[0][2].startswith(status)
    assert bounce.original_message_id == original
    assert bounce.permanent
    assert mail.auto_submitted


def test_text_only_delay_is_not_permanent():
    mail = parse(
        message(
            "From: MAILER-DAEMON@mx.acme.example", "Subject: failure notice", body=QMAIL_DELAY_TEXT
        )
    )
    assert [r[:2] for r in mail.bounce.recipients] == [("busy@acme.example", "delayed")]
    assert mail.bounce.permanent is False


def test_a_person_writing_about_undelivered_mail_is_no_bounce():
    body = "Hi,\n\nmy mail to <bob@acme.example>: was not delivered, 550 5.1.1 it said.\n"
    mail = parse(message("Subject: Re: mail to bob not delivered", body=body))
    assert mail.bounce is None and not mail.auto_submitted


# ------------------------------------------------------------------------------- TNEF
def _tnef_attribute(level: int, attribute: int, kind: int, data: bytes) -> bytes:
    checksum = sum(data) & 0xFFFF
    return (
        struct.pack("<BHHI", level, attribute, kind, len(data)) + data + struct.pack("<H", checksum)
    )


def winmail_dat(files: list[tuple[str, bytes]]) -> bytes:
    """A minimal TNEF stream as Outlook writes it: version, code page, then per file the
    rendering data (which starts an attachment), its title and its data."""
    out = struct.pack("<IH", 0x223E9F78, 0x0001)
    out += _tnef_attribute(1, 0x9006, 0x0008, struct.pack("<I", 0x00010000))  # version
    out += _tnef_attribute(1, 0x9007, 0x0006, struct.pack("<II", 1252, 0))  # OEM code page
    for name, data in files:
        out += _tnef_attribute(2, 0x9002, 0x0006, b"\x00" * 14)  # attAttachRendData
        out += _tnef_attribute(2, 0x8010, 0x0001, name.encode() + b"\x00")  # attAttachTitle
        out += _tnef_attribute(2, 0x800F, 0x0006, data)  # attAttachData
    return out


def with_winmail(dat: bytes, content_type: str = "application/ms-tnef") -> bytes:
    import base64

    encoded = base64.encodebytes(dat).decode()
    body = (
        "--X\nContent-Type: text/plain\n\nSee the attached files.\n"
        f'--X\nContent-Type: {content_type}; name="winmail.dat"\n'
        'Content-Disposition: attachment; filename="winmail.dat"\n'
        f"Content-Transfer-Encoding: base64\n\n{encoded}--X--\n"
    )
    return message("Content-Type: multipart/mixed; boundary=X", body=body)


def test_tnef_winmail_dat_is_unpacked_into_its_files():
    dat = winmail_dat([("report.pdf", b"%PDF-1.4 report"), ("error log.txt", b"line 1\n")])
    mail = parse(with_winmail(dat))
    assert [a.filename for a in mail.attachments] == ["report.pdf", "error log.txt"]
    assert [a.content for a in mail.attachments] == [b"%PDF-1.4 report", b"line 1\n"]
    assert [a.content_type for a in mail.attachments] == ["application/pdf", "text/plain"]
    assert mail.text == "See the attached files."


def test_tnef_by_file_name_only():
    dat = winmail_dat([("setup.ini", b"[core]\n")])
    mail = parse(with_winmail(dat, content_type="application/octet-stream"))
    assert [a.filename for a in mail.attachments] == ["setup.ini"]


def test_damaged_winmail_dat_is_kept_as_it_is():
    mail = parse(with_winmail(b"not TNEF at all"))
    assert [a.filename for a in mail.attachments] == ["winmail.dat"]
    assert mail.attachments[0].content == b"not TNEF at all"
    assert any("TNEF" in d for d in mail.defects)


# -------------------------------------------------------- encrypted and partial mail
def test_smime_encrypted_mail_is_kept():
    body = "MIAGCSqGSIb3DQEHA6CAMIACAQAxggHHMIIBwwIBADCBqjCBnDELMAkGA1UEBhMC\n"
    mail = parse(
        message(
            'Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name="smime.p7m"',
            "Content-Transfer-Encoding: base64",
            body=body,
        )
    )
    assert "encrypted (S/MIME)" in mail.text
    assert [(a.filename, a.content_type) for a in mail.attachments] == [
        ("smime.p7m", "application/pkcs7-mime")
    ]
    assert mail.attachments[0].content.startswith(b"0\x80\x06\t*\x86H\x86\xf7\r\x01\x07\x03")


def test_message_partial_is_kept_with_a_note():
    fragment = "Subject: part one\n\nThe first half of a long mess"
    mail = parse(
        message('Content-Type: message/partial; id="abc@acme"; number=1; total=2', body=fragment)
    )
    assert "message/partial, part 1 of 2" in mail.text
    assert [a.filename for a in mail.attachments] == ["partial-1.eml"]
    assert b"The first half of a long mess" in mail.attachments[0].content


# ------------------------------------------------------------------- line ends, mbox
def test_lf_crlf_and_mbox_from_line_give_the_same_mail():
    crlf = message("Date: Tue, 2 Jun 2026 10:00:00 -0400", body="Line one\nLine two\n")
    lf = message("Date: Tue, 2 Jun 2026 10:00:00 -0400", body="Line one\nLine two\n", linesep="\n")
    mbox = b"From carol@acme.example Tue Jun  2 14:00:00 2026\n" + lf
    mails = [parse(raw) for raw in (crlf, lf, mbox)]
    for mail in mails:
        assert mail.text == "Line one\nLine two"
        assert mail.from_addr == "carol@acme.example" and mail.from_name == "Carol Client"
        assert mail.date.isoformat() == "2026-06-02T10:00:00-04:00"


# ------------------------------------------------------------------------ identities
@pytest.mark.parametrize(
    "header, addr, name",
    [
        (
            'From: "support@caredesk.example" <mallory@evil.example>',
            "mallory@evil.example",
            "support@caredesk.example",
        ),
        (
            "From: support@caredesk.example <mallory@evil.example>",
            "mallory@evil.example",
            "support@caredesk.example",
        ),
        (
            "From: =?utf-8?Q?support=40caredesk.example?= <mallory@evil.example>",
            "mallory@evil.example",
            "support@caredesk.example",
        ),
        ("From: =?utf-8?Q?carol?=@acme.example", "", ""),
        ('From: "=?utf-8?Q?carol?="@acme.example', "", ""),
        ("From: Carol <=?utf-8?Q?carol?=@acme.example>", "", "Carol"),
        ("From: =?utf-8?B?Y2Fyb2xAYWNtZS5leGFtcGxl?=", "", "carol@acme.example"),
        ("From: Carol <Carol.Client@ACME.Example>", "Carol.Client@acme.example", "Carol"),
        ("From: carol@acme.example (Carol Client)", "carol@acme.example", "Carol Client"),
        ("From: undisclosed-recipients:;", "", ""),
        ("From: <>", "", ""),
    ],
)
def test_from_is_never_taken_from_a_display_name(header, addr, name):
    mail = parse(message(header))
    assert (mail.from_addr, mail.from_name) == (addr, name)


def test_address_lists_and_groups():
    mail = parse(
        message(
            "To: Team: alice@caredesk.example, Bob <bob@caredesk.example>;, carol@acme.example",
            'Cc: "Client, Carol" <carol@acme.example>, <sam@caredesk.example>',
            "Reply-To: tickets@acme.example",
        )
    )
    assert mail.to == ["alice@caredesk.example", "bob@caredesk.example", "carol@acme.example"]
    assert mail.cc == ["carol@acme.example", "sam@caredesk.example"]
    assert mail.reply_to == ["tickets@acme.example"]


# -------------------------------------------------------------------- file names
@pytest.mark.parametrize(
    "disposition, expected",
    [
        ('attachment; filename="../../etc/passwd"', "passwd"),
        ('attachment; filename="C:\\\\Users\\\\carol\\\\report.pdf"', "report.pdf"),
        ('attachment; filename="invoice\u202egpj.exe"', "invoicegpj.exe"),
        ('attachment; filename="tab\there.txt"', "tab here.txt"),
        ('attachment; filename="..."', "attachment-1.pdf"),
        ("attachment", "attachment-1.pdf"),
        ("attachment; filename*=UTF-8''Gr%C3%BC%C3%9Fe%20%2F%20Bericht.pdf", "Bericht.pdf"),
    ],
)
def test_attachment_names_are_safe(disposition, expected):
    body = (
        "--X\nContent-Type: text/plain\n\nsee attached\n"
        f"--X\nContent-Type: application/pdf\nContent-Disposition: {disposition}\n"
        "Content-Transfer-Encoding: base64\n\nJVBERi0=\n--X--\n"
    )
    mail = parse(message("Content-Type: multipart/mixed; boundary=X", body=body))
    assert [a.filename for a in mail.attachments] == [expected]
    assert mail.attachments[0].content == b"%PDF-"


def test_generated_names_take_the_extension_of_the_type():
    body = (
        '--X\nContent-Type: text/html\n\n<p>Logo: <img src="cid:logo@acme"></p>\n'
        "--X\nContent-Type: image/png\nContent-ID: <logo@acme>\n"
        "Content-Disposition: attachment\nContent-Transfer-Encoding: base64\n\niVBORw0KGgo=\n"
        "--X\nContent-Type: text/calendar\n\nBEGIN:VCALENDAR\nEND:VCALENDAR\n--X--\n"
    )
    mail = parse(message("Content-Type: multipart/related; boundary=X", body=body))
    logo, invite = mail.attachments
    assert (logo.filename, logo.inline, logo.content_id) == ("attachment-1.png", True, "logo@acme")
    assert (invite.filename, invite.inline) == ("attachment-2.ics", False)
    assert 'src="cid:logo@acme"' in mail.html
    assert mail.text == "Logo:"


# ------------------------------------------------------------------------ HTML mail
def test_html_is_sanitized_and_converted():
    html = (
        "<html><head><style>p{color:red}</style><script>alert(1)</script></head><body>"
        '<p onclick="steal()">Printer <b>offline</b> since 9:00.</p>'
        '<a href="javascript:alert(1)">click</a><ul><li>Model X2</li><li>Firmware 4.1</li></ul>'
        "</body></html>"
    )
    mail = parse(message("Content-Type: text/html; charset=utf-8", body=html))
    assert "<script" not in mail.html and "onclick" not in mail.html
    assert "javascript:" not in mail.html and "color:red" not in mail.html
    assert "<b>offline</b>" in mail.html
    assert "Printer offline since 9:00." in mail.text
    assert "Model X2" in mail.text and "alert" not in mail.text


def test_html_meta_charset_when_the_header_has_none():
    html = '<html><head><meta charset="windows-1252"></head><body>Caf\xe9 \x93ok\x94</body>'
    raw = message("Content-Type: text/html").replace(b"Hello there.", html.encode("latin-1"))
    assert parse(raw).text == "Café “ok”"


# ------------------------------------------------------------------------ charsets
@pytest.mark.parametrize(
    "content_type, body, text",
    [
        ("text/plain", "Grüße".encode(), "Grüße"),  # undeclared UTF-8
        ("text/plain; charset=iso-8859-1", b"It\x92s fine", "It’s fine"),  # cp1252 in latin-1
        ("text/plain; charset=us-ascii", "naïve".encode(), "naïve"),  # UTF-8 labelled ASCII
        ("text/plain; charset=x-unknown", b"Envoy\xc3\xa9", "Envoyé"),
        ("text/plain; charset=x-unknown", b"Envoy\xe9", "Envoyé"),  # not UTF-8: Windows-1252
        ("text/plain; charset=ks_c_5601-1987", "감사합니다".encode("cp949"), "감사합니다"),
        ("text/plain; charset=shift_jis", "①番".encode("cp932"), "①番"),  # NEC extension
    ],
)
def test_charset_fallbacks(content_type, body, text):
    raw = message(f"Content-Type: {content_type}", "Content-Transfer-Encoding: 8bit")
    raw = raw.replace(b"Hello there.", body)
    assert parse(raw).text == text


def test_unknown_charset_is_a_defect():
    raw = message("Content-Type: text/plain; charset=x-klingon", body="Qapla'")
    mail = parse(raw)
    assert mail.text == "Qapla'" and any("x-klingon" in d for d in mail.defects)


# -------------------------------------------------------------------------- replies
@pytest.mark.parametrize(
    "body, reply",
    [
        # Gmail wraps a long attribution over two lines
        (
            "Works now, thanks!\n\nOn Tue, Jun 2, 2026 at 10:00 AM Sam Support <\n"
            "sam@caredesk.example> wrote:\n\n> Please restart the service.\n",
            "Works now, thanks!",
        ),
        # French Apple Mail
        (
            "Merci !\n\nLe 2 juin 2026 à 10:00, Sam <sam@caredesk.example> a écrit :\n\n"
            "> Bonjour\n",
            "Merci !",
        ),
        # Outlook in French, no quote marks
        (
            "C'est réglé.\n\nDe : Sam <sam@caredesk.example>\nEnvoyé : mardi 2 juin 2026 10:00\n"
            "À : Carol\nObjet : INC-000017\n\nBonjour\n",
            "C'est réglé.",
        ),
        # Outlook's underscore rule before the headers
        (
            "Done.\n\n________________________________\nFrom: Sam\nSent: Tuesday\n"
            "To: Carol\n\nHi\n",
            "Done.",
        ),
        # German iPhone signature
        (
            "Passt.\n\nVon meinem iPhone gesendet\n\n> Am 02.06.2026 um 10:00 schrieb Sam:\n",
            "Passt.",
        ),
        # "Sent from my ..." at the start of a real sentence is not a signature
        (
            "Sent from my laptop at the office, the installer stops at 80 percent.\nAny idea?\n",
            "Sent from my laptop at the office, the installer stops at 80 percent.\nAny idea?",
        ),
        # interleaved answers keep every answer
        ("> Which version?\n11.2\n> Which database?\nPostgreSQL 15\n", "11.2\nPostgreSQL 15"),
        # a sentence that merely contains "wrote" and ends with a colon stays
        (
            "On Monday I wrote the following:\nthe log is attached\n",
            "On Monday I wrote the following:\nthe log is attached",
        ),
        # "Hotmail" separator: ----- Original Message -----
        ("Yes.\n----- Original Message -----\nFrom: Sam\n", "Yes."),
    ],
)
def test_reply_text(body, reply):
    mail = parse(message(body=body))
    assert mail.reply_text == reply


def test_reply_text_falls_back_to_text():
    mail = parse(message(body="> only a quote\n> nothing new\n"))
    assert mail.reply_text == mail.text == "> only a quote\n> nothing new"


# ---------------------------------------------------------------------- unparseable
@pytest.mark.parametrize("raw", [b"", b"   \r\n\r\n", b"\x00\x01\x02\xff binary junk\n"])
def test_hopeless_input_raises_unparseable_mail(raw):
    with pytest.raises(UnparseableMail):
        parse(raw)
    assert issubclass(UnparseableMail, ValueError)


def test_parse_takes_bytes():
    with pytest.raises(TypeError):
        parse("From: x@y\n\nhi")  # type: ignore[arg-type]
    assert isinstance(parse(bytearray(message())), ParsedMail)


def test_headers_only_message():
    mail = parse(b"From: carol@acme.example\r\nSubject: empty")
    assert (mail.from_addr, mail.subject, mail.text, mail.reply_text) == (
        "carol@acme.example",
        "empty",
        "",
        "",
    )
    assert mail.has_message_id is False and mail.message_id.startswith("sha256-")


def test_deep_nesting_does_not_recurse_forever():
    depth = 60
    body = "".join(
        f"--b{i}\nContent-Type: multipart/mixed; boundary=b{i + 1}\n\n" for i in range(depth)
    )
    body += f"--b{depth}\nContent-Type: text/plain\n\ndeep\n"
    mail = parse(message("Content-Type: multipart/mixed; boundary=b0", body=body))
    assert isinstance(mail, ParsedMail)
    assert any("nested too deep" in d for d in mail.defects)
