"""Every message of the real-world corpus through `parse`, and what specific ones must yield.

The expectations below were written from reading each raw file (headers, encoded words,
base64/uuencode payloads decoded by hand where noted), not from the parser's output.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta, timezone

import pytest

from caredesk.mail.parsing import Bounce, ParsedMail, parse

from .corpus import EXPECTED_FILES, corpus_dir, corpus_files, corpus_ids, read

FILES = corpus_ids() or ["<the mail corpus is missing>"]


def test_the_corpus_is_there():
    assert corpus_dir().is_dir(), f"no mail corpus at {corpus_dir()} (CAREDESK_MAIL_CORPUS)"
    assert len(corpus_files()) == EXPECTED_FILES


@pytest.mark.parametrize("name", FILES)
def test_every_corpus_message_parses(name):
    assert name in corpus_ids(), f"mail corpus missing at {corpus_dir()}"
    mail = parse(read(name))
    assert isinstance(mail, ParsedMail)
    assert mail.message_id and "<" not in mail.message_id and ">" not in mail.message_id
    assert mail.date is None or mail.date.tzinfo is not None
    for attachment in mail.attachments:
        assert attachment.filename
        assert "/" not in attachment.filename and "\\" not in attachment.filename
        assert not any(ord(c) < 32 or ord(c) == 127 for c in attachment.filename)
        assert attachment.content_type == attachment.content_type.lower()
        assert attachment.content_type.count("/") == 1
        assert attachment.content_id is None or "<" not in attachment.content_id
    # The reply is cut out of the text, never rewritten: each of its lines is in the text.
    if mail.text.strip():
        assert mail.reply_text.strip()
    text_lines = set(mail.text.split("\n"))
    for line in mail.reply_text.split("\n"):
        assert line in text_lines or any(line in t for t in text_lines), line
    assert "\r" not in mail.text and "\r" not in mail.reply_text
    assert "<script" not in mail.html.lower() and "<style" not in mail.html.lower()
    if mail.bounce is not None:
        assert mail.auto_submitted


def parsed(name: str) -> ParsedMail:
    return parse(read(name))


def names(mail: ParsedMail) -> list[str]:
    return [a.filename for a in mail.attachments]


def attachment(mail: ParsedMail, filename: str):
    found = [a for a in mail.attachments if a.filename == filename]
    assert found, f"no attachment {filename!r} in {names(mail)}"
    return found[0]


# --------------------------------------------------------------------- attachment names
def test_base64_encoded_word_as_name():
    # name==?utf-8?B?VGhpcyBpcyBhIHRlc3QucGRm?= : the stdlib finds no file name here.
    mail = parsed("mikel-mail/attachment_emails/attachment_with_base64_encoded_name.eml")
    assert names(mail) == ["This is a test.pdf"]
    assert mail.attachments[0].content_type == "application/pdf"


def test_unquoted_name_with_spaces():
    # filename=This is a test.txt (Apple Mail, unquoted): the stdlib cuts it at the space.
    mail = parsed("mikel-mail/attachment_emails/attachment_with_unquoted_name.eml")
    assert names(mail) == ["This is a test.txt"]
    assert attachment(mail, "This is a test.txt").content.startswith(b"Hi there.")
    assert mail.text == "This is the first part."


def test_raw_utf8_file_name():
    mail = parsed("mikel-mail/attachment_emails/attachment_nonascii_filename.eml")
    assert names(mail) == ["ciële.txt"]


def test_rfc2231_file_name_and_encoded_word_name_agree():
    # filename*=ISO-8859-1''Eelanal%FC%FCsi%20p%E4ring.jpg and the Q-encoded name= both say so.
    mail = parsed("mikel-mail/attachment_emails/attachment_with_quoted_filename.eml")
    assert mail.subject == "Eelanalüüsi päring"
    assert names(mail) == ["Eelanalüüsi päring.jpg"]
    jpeg = mail.attachments[0]
    assert jpeg.content_type == "image/jpeg" and jpeg.content.startswith(b"\xff\xd8")
    assert jpeg.inline is False  # inline disposition but no Content-ID: a plain attachment


def test_rfc2231_name_in_a_charset_it_cannot_be():
    # name*=iso-2022-jp'ja'01%20Quien%20Te%20Dij%8aat.%20Pitbull.mp3 : %8a is no ISO-2022-JP.
    for name in (
        "mikel-mail/attachment_emails/attachment_with_encoded_name.eml",
        "mikel-mail/plain_emails/raw_email8.eml",
    ):
        (filename,) = names(parsed(name))
        assert filename.startswith("01 Quien Te Dij") and filename.endswith("at. Pitbull.mp3")


def test_japanese_attachment_names():
    mail = parsed("mikel-mail/multi_charset/japanese_attachment.eml")
    assert names(mail) == ["てすと.txt"]  # =?UTF-8?B?44Gm44GZ44GoLnR4dA==?=
    assert mail.attachments[0].content.decode("utf-8") == "this is a test\nこれわてすと"
    # filename*0*=utf-8''... filename*1*=... continued over two lines
    mail = parsed("mikel-mail/multi_charset/japanese_attachment_long_name.eml")
    assert names(mail) == ["かきくけこ" * 5 + ".txt"]
    assert mail.subject.startswith("まみむめも") and set(mail.subject) == set("まみむめも")


def test_content_location_only_and_inline_image():
    mail = parsed("mikel-mail/attachment_emails/attachment_content_location.eml")
    (image,) = mail.attachments
    assert image.filename == "Photo25.jpg"  # only Content-Location names it
    assert image.inline and image.content_id == "qbFGyPQAS8"
    mail = parsed("mikel-mail/error_emails/missing_content_disposition.eml")
    assert names(mail) == ["somefile.jpg"]
    mail = parsed("mikel-mail/mime_emails/raw_email_with_binary_encoded.eml")
    assert names(mail) == ["2013-08-13_19-08-28-1.jpg"]


def test_text_part_with_content_location_is_still_body():
    # Orange MMS: an inline text/plain with Content-Location: text.txt is the message itself.
    mail = parsed("mikel-mail/mime_emails/raw_email4.eml")
    assert mail.attachments == []
    assert mail.text.startswith("Some text")


def test_cid_image_referenced_by_html_and_forwarded_eml():
    mail = parsed("mikel-mail/attachment_emails/attachment_message_rfc822_inline_image.eml")
    image = attachment(mail, "img.png")
    assert image.inline and image.content_id == "emedfeb92f-a786-4718-a446-98db8afb53fb@kronos"
    assert image.content.startswith(b"\x89PNG")
    assert 'src="cid:emedfeb92f-a786-4718-a446-98db8afb53fb@kronos"' in mail.html
    assert attachment(mail, "Testmail.eml").content_type == "message/rfc822"


def test_similar_boundaries_and_a_content_id_that_is_not_inline():
    mail = parsed("mikel-mail/mime_emails/email_with_similar_boundaries.eml")
    assert mail.text == "Test"
    logo = attachment(mail, "LOGO.png")
    assert logo.content_id == "LOGO.png" and logo.inline is False  # disposition attachment


def test_signed_mail_keeps_its_files_but_not_the_signature():
    mail = parsed("mikel-mail/mime_emails/raw_email7.eml")
    # multipart/mixed > mixed(text, test.rb, test.pdf, text) + smime.p7s in a *mixed* part
    assert names(mail) == ["test.rb", "test.pdf", "smime.p7s"]
    assert attachment(mail, "test.pdf").content == b"blah blah blah"  # YmxhaCBibGFoIGJsYWg=
    mail = parsed("mikel-mail/mime_emails/sig_only_email.eml")  # multipart/signed, PGP
    assert mail.attachments == []
    assert mail.text.startswith("This is random text, not what has been signed below")
    mail = parsed("mikel-mail/mime_emails/raw_email_with_nested_attachment.eml")
    assert names(mail) == ["truncated.png"]  # the S/MIME signature of multipart/signed goes


def test_disposition_file_name_wins_over_content_type_name():
    mail = parsed("mikel-mail/attachment_emails/attachment_content_disposition.eml")
    assert names(mail) == ["api.rb"]  # Content-Type says hello.rb
    mail = parsed("zammad/mail087.box")
    assert names(mail) == ["fax_1234.pdf"]  # Content-Type says fax_+491234.pdf
    assert mail.attachments[0].content.startswith(b"%PDF-1.1")
    assert "Sie haben soeben ein neues Fax von +491234" in mail.text


def test_attachment_only_and_pdf_only_mail():
    mail = parsed("mikel-mail/attachment_emails/attachment_only_email.eml")
    assert names(mail) == ["blah.gz"] and mail.text == ""
    mail = parsed("zammad/mail094.box")  # SAP: the whole message is application/pdf
    (pdf,) = mail.attachments
    assert pdf.filename == "Otto Example Bestellung 4500258840.pdf"
    assert pdf.content == b"you can see me"  # eW91IGNhbiBzZWUgbWU=
    assert mail.from_addr == "noreply@example.com"


def test_uuencode_in_the_text_and_as_transfer_encoding():
    mail = parsed("zammad/mail025.box")  # "begin 644 rulesets-report.csv" in a plain body
    (csv,) = mail.attachments
    assert csv.filename == "rulesets-report.csv" and csv.content_type == "text/csv"
    assert csv.content.startswith(b"RULESET_ID;NAME;ACTIV;RUN_MODE;AUDIT_MODIFY_DATE\n387;")
    assert "begin 644" not in mail.text
    mail = parsed("zammad/mail078-content_transfer_encoding_x_uuencode.box")
    word = attachment(mail, "PGP_Cmts_on_12-14-01_Pkg.txt")
    assert word.content == b"Hello Zammad"  # ",2&5L;&\@6F%M;6%D" without begin/end lines
    assert mail.text.startswith("Attached are the comments of the Public Generating Pool.")
    assert mail.reply_text == "Attached are the comments of the Public Generating Pool."
    mail = parsed("mikel-mail/error_emails/content_transfer_encoding_x_uuencode.eml")
    assert attachment(mail, "PGP_Cmts_on_12-14-01_Pkg.doc").content == b""


def test_invoice_attachment_and_utf8_qp_body():
    mail = parsed("zammad/mail026.box")
    assert attachment(mail, "invoice_gatede_B181347.txt").content == b"some text"
    assert "Düsseldorf" in mail.text


def test_pgp_encrypted_mail_is_kept_not_an_error():
    mail = parsed("zammad/mail042.box")
    assert "encrypted" in mail.text
    assert attachment(mail, "encrypted.asc").content.startswith(b"-----BEGIN PGP MESSAGE-----")
    assert any(a.content_type == "application/pgp-encrypted" for a in mail.attachments)


# ------------------------------------------------------------------- charsets and subjects
def test_iso_2022_jp_and_shift_jis_and_ks_c_5601():
    mail = parsed("mikel-mail/multi_charset/japanese_iso_2022.eml")
    assert mail.subject == "まみむめも"  # =?UTF-8?B?44G+44G/44KA44KB44KC?=
    assert mail.text == "すみません。"
    mail = parsed("mikel-mail/multi_charset/japanese_shift_jis.eml")
    assert "このメールはテスト用のメールです。" in mail.text
    mail = parsed("mikel-mail/multi_charset/ks_c_5601-1987.eml")
    assert mail.text == "스티해"
    mail = parsed("mikel-mail/rfc2822/example14.eml")  # two ISO-2022-JP words, folded
    assert mail.subject == "Re: TEST テストテスト"


def test_zammad_iso_2022_jp_outlook():
    mail = parsed("zammad/mail091.box")
    assert mail.subject == "メルマガ解除"
    assert mail.from_name == "岡本和正" and mail.from_addr == "mail@domain.jp"
    assert mail.text == "このアドレスへのメルマガを解除してください。"


def test_zammad_iso_2022_jp_with_padding_and_a_bare_message_id():
    mail = parsed("zammad/mail098.box")
    assert mail.from_name == "事務局"  # "=?ISO-2022-JP?B?GyRCO3ZMMzZJGyhC==?=" (extra "==")
    assert mail.subject == "一覧」をアップします"
    assert mail.text == "カテゴリ：全メンバー"
    assert mail.message_id == "20201221110303"  # <20201221110303>: no "@", still an id


def test_ks_c_5601_alias_carries_cyrillic():
    mail = parsed("zammad/mail119.box")
    assert mail.subject == "Запрос цены"
    assert mail.from_name == "Иван"
    assert "С уважением, Иван" in mail.text


def test_windows_1250_contact_form_after_a_kerio_line():
    mail = parsed("zammad/mail068.box")
    assert mail.subject == "Contact from Server"
    assert mail.from_addr == "xxxxx@xxxxx.cz"
    assert mail.message_id == "20180802145828.58E7387959@mail.xxxxxx.cz"
    assert "Čtvrtek 2. srpna 2018" in mail.text and "garáž" in mail.text
    assert any("---- Original email message ----" in d for d in mail.defects)


def test_windows_1258_outlook():
    mail = parsed("zammad/mail072.box")
    assert mail.subject == "Réclamation commande n° 018255977840"
    assert mail.from_name == "Valérie Oury"
    assert "Je vous contacte suite à ma commande du 14 août 2018 référencée" in mail.text


def test_euc_kr_base64_body_and_q_subject():
    mail = parsed("mikel-mail/plain_emails/raw_email.eml")
    assert mail.subject == "NOTE: 한국말로 하는 것"
    assert "제 이름은 Jamis입니다." in mail.text


def test_broken_and_raw_8bit_subjects():
    assert parsed("mikel-mail/error_emails/bad_encoded_subject.eml").subject == "TEST"
    mail = parsed("mikel-mail/error_emails/bad_subject.eml")  # 8 words, an empty last one
    assert mail.subject == "MySurvey.com: You have a survey waiting! 91123105"
    assert mail.from_name == "MySurvey.com & Carol Adams"
    mail = parsed("mikel-mail/plain_emails/raw_email_with_partially_quoted_subject.eml")
    assert mail.subject == 'Re: Test: "漢字" mid "漢字" tail'
    mail = parsed("mikel-mail/error_emails/invalid_subject_characters.eml")  # raw Latin-1
    assert mail.subject.startswith("Formação FrenetikPolis")
    assert mail.from_name == "Formação Frenetikpolis"  # Windows-1252 base64: "...aWtwb2xpcw=="
    mail = parsed("mikel-mail/error_emails/trademark_character_in_subject.eml")  # raw UTF-8
    assert mail.subject == "GA.comô has a lead for you"
    mail = parsed("mikel-mail/rfc6532/utf8_headers.eml")
    assert (mail.from_addr, mail.from_name, mail.subject) == (
        "jdöe@mächine.example",
        "Jöhn Doe",
        "Säying Hello",
    )
    # "=?UTF-8?Q? Personal=C3=A4nderung?=" has a space inside the encoded text
    assert parsed("zammad/mail077.box").subject == "Personaländerung"


def test_german_latin1_quoted_printable():
    mail = parsed("zammad/mail001.box")  # mbox "From " line, Resent-From, Apple Mail
    assert mail.subject == "CI Daten für PublicView"
    assert mail.from_addr == "John.Smith@example.com"
    assert "Farbe für die Balken in der Grafik: D7DDE9 (Blau)" in mail.text
    assert mail.date == datetime(2012, 5, 3, 9, 36, 43, tzinfo=UTC)


def test_quoted_printable_crlf_inside_and_mixed_line_ends():
    mail = parsed("mikel-mail/plain_emails/raw_email_quoted_with_0d0a.eml")
    assert "Time: 3/9/2006 3:50:52 PM" in mail.text.split("\n")
    lf = parsed("mikel-mail/plain_emails/basic_email_lf.eml")
    crlf = parsed("mikel-mail/plain_emails/basic_email.eml")
    assert lf.text == crlf.text == "Plain email.\n\nHope it works well!\n\nMikel"
    assert lf.message_id == crlf.message_id and lf.subject == crlf.subject


# ------------------------------------------------------------------------ broken MIME
def test_unquoted_boundary_with_equals_sign_is_repaired():
    # boundary=----=_NextPart_000_0093_01C81419.EB75E850 (unquoted, "=" inside)
    for name in (
        "mikel-mail/mime_emails/raw_email_with_illegal_boundary.eml",
        "mikel-mail/mime_emails/raw_email_with_quoted_illegal_boundary.eml",
    ):
        mail = parsed(name)
        assert mail.text == "Hello\nThis is an outlook test\n\nSo there.\n\nMe."
        assert "outlook" in mail.html


def test_enriched_alternative_is_dropped():
    mail = parsed("mikel-mail/mime_emails/raw_email11.eml")
    assert mail.text == "XXXXX Xxxxx" and mail.attachments == []


def test_odd_transfer_encodings():
    mail = parsed("mikel-mail/error_emails/content_transfer_encoding_text-html.eml")
    assert "You have qualified for the lowest rate in years." in mail.text  # CTE "text/html"
    mail = parsed("mikel-mail/error_emails/content_transfer_encoding_qp_with_space.eml")
    assert "If you're in need of a good RX site" in mail.text  # CTE "quoted printable"


# ------------------------------------------------------------------------ HTML-only mail
def test_html_only_mail_becomes_text():
    mail = parsed("zammad/mail029.box")  # base64 text/html, TeamViewer
    assert mail.text.startswith("Dear Mr. Edenhofer,")
    assert "We want to keep you updated on TeamViewer licensing shortages" in mail.text
    assert "<p>" in mail.html and "font-size" not in mail.html  # <style> is gone
    mail = parsed("zammad/mail013.box")  # Lotus Notes: "JA" and its HTML twin
    assert mail.text == "JA"


def test_lotus_notes_html_reply_is_trimmed():
    mail = parsed("zammad/mail007.box")  # HTML only, with a Notes quote header below
    assert mail.text.startswith("Hallo.\nJetzt muss ich dir noch kurzfristig absagen für morgen.")
    assert "Installation von" in mail.text  # the quote stays in the text
    assert mail.reply_text == (
        "Hallo.\nJetzt muss ich dir noch kurzfristig absagen für morgen.\n"
        "Lass uns evtl morgen Tel.\n\nMfg eike"
    )


def test_text_and_html_parts_side_by_side_in_mixed():
    mail = parsed("zammad/mail110.box")  # text part, then an HTML "signature" part
    assert "This is the text part" in mail.text
    assert "This is the html part (signature)" in mail.text
    mail = parsed("zammad/mail111.box")  # HTML part, then a text "signature" part
    assert mail.text.index("This is the html message") < mail.text.index(
        "This is the text signature part"
    )
    assert "<h1>This is the html message" in mail.html


# ----------------------------------------------------------------- forwarded messages
def test_forwarded_as_attachment_outlook():
    mail = parsed("zammad/mail014.box")  # two message/rfc822 parts after the text
    assert names(mail) == [
        "Neue Anfrage erstellt - 33284.eml",
        "Call: HW-Anforderung; Best-nr.47524152.eml",
    ]
    assert all(a.content_type == "message/rfc822" for a in mail.attachments)
    assert mail.text.count("---------- Forwarded message ----------") == 2
    assert "Subject: Neue Anfrage erstellt - 33284" in mail.text
    assert "this is a test" in mail.text  # dGhpcyBpcyBhIHRlc3Q=
    assert "Warenempfänger:" in mail.text
    assert mail.reply_text == "äöüß ad asd\n\n-Martin"
    assert mail.from_name == "Müller, Bernd"  # =?utf-8?B?TcO8bGxlciwgQmVybmQ=?=


def test_forwarded_message_with_its_own_pdf():
    mail = parsed("mikel-mail/attachment_emails/attachment_message_rfc822.eml")
    (eml,) = mail.attachments
    assert eml.filename == "ForwardedMessage.eml"
    assert b"Subject: Another PDF" in eml.content
    assert "From: Test Tester <xxxx@xxxx.com>" in mail.text
    assert "Just attaching another PDF, here, to see what the message looks like," in mail.text
    assert mail.reply_text == "This is the first part."


def test_inline_forward_in_the_text():
    mail = parsed("mikel-mail/mime_emails/raw_email2.eml")  # Gmail "Fwd:" written inline
    assert mail.reply_text == "We should not include these files or vcards as attachments."
    assert names(mail) == ["smime.p7s"]


# ---------------------------------------------------------------------------- bounces
def test_postfix_dsn_with_five_failed_recipients():
    for name in (
        "mikel-mail/multipart_report_emails/multi_address_bounce1.eml",
        "mikel-mail/multipart_report_emails/multi_address_bounce2.eml",
    ):
        mail = parsed(name)
        bounce = mail.bounce
        assert isinstance(bounce, Bounce) and bounce.permanent
        assert bounce.original_message_id == "118707422.15521266992174819.JavaMail.root@lvmail01"
        assert sorted(r[0] for r in bounce.recipients) == [
            "bbbbvhvbbvkjbhfbvbvjhb@gmail.com",
            "bscdbcjhasbcjhbdscbhbsdhcbj@gmail.com",
            "egyfefsdvsfvvhjsd@gmail.com",
            "kfhejkfbsjkjsbhds@gmail.com",
            "qfvhgsvhgsduiohncdhcvhsdfvsfygusd@gmail.com",
        ]
        assert all(action == "failed" for _, action, _ in bounce.recipients)
        assert all(detail.startswith("5.1.1 ") for _, _, detail in bounce.recipients)
        assert mail.auto_submitted and mail.auto_reason == "Auto-Submitted: auto-replied"


def test_zammad_postfix_bounces():
    bounce = parsed("zammad/mail033-undelivered-mail-returned-to-sender-notification.box").bounce
    assert bounce.original_message_id == (
        "notification.20150830145600.1.4.5f4fd063-f69b-4e64-a92d-5e7128bd6682@127.0.0.1:3000"
    )
    ((address, action, detail),) = bounce.recipients
    assert (address, action) == ("not_existing@znuny.com", "failed")
    assert detail.startswith("5.1.1") and "User unknown" in detail
    assert bounce.permanent
    bounce = parsed("zammad/mail055.box").bounce
    assert bounce.original_message_id == "20170526150141.232.13312@example.zammad.loc"
    assert [r[:2] for r in bounce.recipients] == [("ticket-bounce-trigger2@example.com", "failed")]


def test_gmail_delay_is_not_permanent():
    mail = parsed("zammad/mail078.box")
    bounce = mail.bounce
    assert bounce.original_message_id == "20150830145601.30.608881@example.com"
    ((address, action, detail),) = bounce.recipients
    assert (address, action) == ("bob.smith@example.de", "delayed")
    assert detail.startswith("4.4.1")
    assert bounce.permanent is False
    assert "Zustellung nicht abgeschlossen" in mail.text


def test_sendmail_reports_with_returned_headers_only():
    bounce = parsed("mikel-mail/multipart_report_emails/report_422.eml").bounce
    assert bounce.original_message_id == (
        "15655788.13.1200472642578.JavaMail.Administrator@mail.ttttt.com.au"
    )
    assert [r[:2] for r in bounce.recipients] == [("fraser@oooooooo.com.au", "delayed")]
    assert bounce.recipients[0][2].startswith("4.2.2") and not bounce.permanent
    bounce = parsed("mikel-mail/multipart_report_emails/report_530.eml").bounce
    assert bounce.original_message_id == "200712232303.lBNN3jDq002941@mail12.rrrr.com.au"
    assert [r[:2] for r in bounce.recipients] == [("edwin@zzzzzzz.com", "failed")]
    assert bounce.recipients[0][2].startswith("5.3.0") and bounce.permanent


def test_report_with_a_human_text_in_a_status_part():
    mail = parsed("mikel-mail/multipart_report_emails/multipart_report_multiple_status.eml")
    bounce = mail.bounce
    assert bounce.original_message_id == "4c2a146147ac8_61ff157c4ec1652df@s.h.c.mail"
    assert [r[:2] for r in bounce.recipients] == [("u@ci.com", "failed")]
    assert bounce.permanent
    assert mail.sender_addr == ""  # Return-Path: <>
    assert "has restricted SMS e-mail" in mail.text


def test_dsn_part_without_content_type():
    mail = parsed("mikel-mail/mime_emails/raw_email_with_mimepart_without_content_type.eml")
    bounce = mail.bounce
    assert (
        bounce.original_message_id == "89d7557c0610181510r6fa5ebd8n66a7deec71ade118@mail.gmail.com"
    )
    assert [r[:2] for r in bounce.recipients] == [("larose.julie@courrier.uqam.ca", "delayed")]
    assert not bounce.permanent
    assert "THIS IS A WARNING MESSAGE ONLY" in mail.text
    assert names(mail) == ["Est-ce toi ?.eml"]


def test_ordinary_mail_is_no_bounce():
    for name in ("zammad/mail005.box", "mikel-mail/plain_emails/basic_email.eml"):
        mail = parsed(name)
        assert mail.bounce is None and not mail.auto_submitted and mail.auto_reason == ""


# --------------------------------------------------------------------- automatic mail
def test_automatic_mail_in_the_corpus():
    assert parsed("zammad/mail089.box").auto_reason == "Auto-Submitted: auto-generated"
    assert parsed("zammad/mail090.box").auto_submitted  # ServiceNow: Precedence bulk too
    assert parsed("mikel-mail/error_emails/bad_date_header.eml").auto_reason == ("Precedence: junk")
    mail = parsed("mikel-mail/error_emails/empty_in_reply_to.eml")
    assert mail.auto_reason.startswith("List-Id:")


# ---------------------------------------------------------------------------- replies
TALON = [
    "aol",  # -----Original Message----- with From/To/Sent/Subject below
    "apple_mail",  # On Apr 3, 2012, at 4:19 PM, bob wrote: + "> Hi"
    "apple_mail_2",  # "> On 22 Aug 2015, at 19:21, ... wrote:" quoted itself
    "comcast",  # Zimbra: ----- Original Message -----
    "hotmail",  # the original's headers quoted with "> "
    "iphone",  # "Sent from my iPhone" then the attribution (QP-wrapped "wr=\\note:")
    "outlook",  # From: ... [mailto:...] / Sent: / To: / Subject:, no quote marks
    "sparrow",  # "-- " signature, "Sent with Sparrow", then the quote
    "thunderbird",  # bottom-posting: attribution and quote first, "Hello" last
    "yahoo",  # ----- Original Message ----- with an empty Cc:
]


@pytest.mark.parametrize("client", TALON)
def test_talon_standard_replies(client):
    mail = parsed(f"mailgun-talon/standard_replies/{client}.eml")
    assert mail.reply_text == "Hello"
    assert len(mail.text) > len("Hello")  # the full text keeps the quote


def test_outlook_talon_prefers_the_plain_part():
    # its text/plain says "Hello", its HTML "Allo! Follow up MIME!": text is the plain part
    mail = parsed("mailgun-talon/standard_replies/outlook.eml")
    assert mail.text.startswith("Hello\n") and "Allo! Follow up MIME!" in mail.html


def test_thunderbird_german_top_quote_and_flowed_text():
    mail = parsed("zammad/mail005.box")  # "Am 07.05.2012 08:10, schrieb ...:" then "> "
    assert mail.from_addr == "marc.smith@example.com" and mail.from_name == "Marc Smith"
    assert mail.reply_text.startswith("Hallo Martin,\n\nJohn und ich könnten leider nur am")
    # format=flowed: "nächste \nWoche" is one line again
    assert "da wir Donnerstag und nächste Woche bereits Termine haben." in mail.reply_text
    assert mail.reply_text.endswith("Grüße aus Bonn\n\nJohn & Marc")
    assert ">" not in mail.reply_text


def test_outlook_german_quote_header():
    mail = parsed("zammad/mail003.box")  # "Von: ... Gesendet: ... An: ... Betreff:"
    assert mail.from_name == "Günther John | Example GmbH"
    assert mail.reply_text.startswith("Hallo Fritz,\n\nich möchte mich gern für den Beta-Test")
    assert "Von: Fritz Bauer [mailto:me@example.com]" in mail.text
    assert "Von: Fritz Bauer" not in mail.reply_text
    assert "Am 4. April 2012 08:24 schrieb" not in mail.reply_text


def test_signature_with_two_dashes():
    mail = parsed("zammad/mail065.box")  # "--" without the space, Apple Mail
    assert mail.reply_text == "äöüß ad asd\n\n-Martin"
    assert "Old programmers never die." in mail.text


# -------------------------------------------------------------------- identity headers
def test_hostile_from_headers_of_zammad():
    # An encoded-word glued to a domain must not become an address (decoded it would be
    # agent@example.com, someone else).
    for name in ("zammad/mail117.box", "zammad/mail118.box"):
        mail = parsed(name)
        assert mail.from_addr == ""
        assert "@" not in mail.from_name
        assert mail.text == "test"
    # A comma inside an encoded display name is not a separator.
    mail = parsed("zammad/mail065.box")
    assert (mail.from_addr, mail.from_name) == ("smith@example.com", "Bürling, Andreas")
    # "Test test@example.com": no angle brackets, the address is the word with "@".
    mail = parsed("zammad/mail087.box")
    assert (mail.from_addr, mail.from_name) == ("test@example.com", "Test")
    # A quoted local part and a stray ">": the address as written, never a display name.
    assert parsed("zammad/mail076.box").from_addr == '"Millions Lottery Spain transfer"@example.com'
    # <power quadrant system@example.com>: spaces in an unquoted local part get quotes.
    mail = parsed("zammad/mail071.box")
    assert mail.from_addr == '"power quadrant system"@example.com'
    assert mail.from_name == "your secret past"


def test_display_name_holding_an_at_sign():
    mail = parsed("mikel-mail/plain_emails/raw_email_with_at_display_name.eml")
    assert mail.from_addr == "test@lindsaar.net"
    assert mail.to == ["smith@gmail.com", "raasdnil@gmail.com", "tom@gmail.com"]


def test_rfc2822_obsolete_syntax():
    mail = parsed("mikel-mail/rfc2822/example10.eml")  # comments everywhere, a group
    assert (mail.from_addr, mail.from_name) == ("pete@silly.test", "Pete")
    assert mail.to == ["c@public.example", "joe@example.org", "jdoe@one.test"]
    assert mail.cc == []
    assert mail.date == datetime(1969, 2, 13, 23, 32, tzinfo=timezone(-timedelta(hours=3.5)))
    mail = parsed("mikel-mail/rfc2822/example11.eml")  # source route, "jdoe@test   . example"
    assert mail.to == ["mary@example.net", "jdoe@test.example"]
    mail = parsed("mikel-mail/rfc2822/example13.eml")  # "From  :", a "__" line, CFWS in ids
    assert mail.from_addr == "jdoe@machine.example"
    assert mail.to == ["mary@example.net"]
    assert mail.subject == "Saying Hello"
    assert mail.message_id == "1234@local.machine.example"
    assert mail.date == datetime(1997, 11, 21, 9, 55, 6, tzinfo=timezone(-timedelta(hours=6)))


def test_message_ids():
    raw = read("zammad/mail097.box")  # no Message-ID at all
    mail = parse(raw)
    assert mail.has_message_id is False
    assert mail.message_id == f"sha256-{hashlib.sha256(raw).hexdigest()}@caredesk.invalid"
    mail = parsed("zammad/mail095.box")  # the same mail with "Message-ID:\n <...>" folded
    assert mail.has_message_id
    assert mail.message_id == (
        "DM6PR02MF1425372C1E5187B91210554G127D5@do1ram03ok0780.emails.users.example.com"
    )
    mail = parsed("mikel-mail/plain_emails/mix_caps_content_type.eml")  # no brackets
    assert mail.message_id == "201002191008.30117.foo.bar@company.com"
    mail = parsed("mikel-mail/error_emails/multiple_references_with_one_invalid.eml")
    # two References fields; the second's last id lost its indentation on the next line
    assert mail.references == ["foo@bar.net", "baz@bar.net", "invalid.something@bar.net"]
    mail = parsed("mikel-mail/plain_emails/raw_email_reply.eml")
    assert mail.in_reply_to == ["348F04F142D69C21-291E56D292BC@xxxx.net"]
    assert mail.references == ["473FF3B8.9020707@xxx.org", "348F04F142D69C21-291E56D292BC@xxxx.net"]


def test_sender_and_return_path():
    assert parsed("zammad/mail098.box").sender_addr == "return@example.org"
    assert (
        parsed("zammad/mail033-undelivered-mail-returned-to-sender-notification.box").sender_addr
        == ""
    )  # Return-Path: <MAILER-DAEMON>
    assert parsed("mikel-mail/rfc2822/example02.eml").sender_addr == "mjones@machine.example"


def test_bad_dates_are_none():
    assert parsed("mikel-mail/error_emails/bad_date_header2.eml").date is None  # "    59:10"
    assert parsed("mikel-mail/plain_emails/raw_email_bad_time.eml").date is None  # year 3609
    assert parsed("mikel-mail/plain_emails/raw_email_with_bad_date.eml").date is None
