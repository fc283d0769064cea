#!/usr/bin/python3
"""The web inbox as a person uses it: Debian's Chromium driven by Playwright (never `playwright
install`), against a real `herald serve`. Each scenario clicks and types, then checks the result
where it lands: the .eml files the server's worker wrote into the Maildir (parsed with Python's
email package), or what the other agent's page shows. Prints one line per check; exits 1 on the
first failure, saying what was expected and what was found.

Usage: web-inbox-test.py BASE_URL MAILDIR SCENARIO [SCREENSHOTS_DIR]
  The team is the tests' (Tests/HeraldServerTests/ServerProcess.swift); ana, bruno and eva have the
  password "a long test password". SCREENSHOTS_DIR: where to write the screens at 1280 and 390 px.
"""
import email, email.policy, glob, hashlib, json, math, os, re, sqlite3, struct, sys, tempfile, time, urllib.request, wave
from playwright.sync_api import sync_playwright, expect

# What the page shows after a round trip to the server (a fill, a send, a live event) may take
# seconds when the machine is busy (the whole suite runs beside these tests): waits are on what
# the page shows, never on time, and a wait that fails still fails — only later.
expect.set_options(timeout=15_000)

BASE, MAILDIR, SCENARIO = sys.argv[1], sys.argv[2], sys.argv[3]
SHOTS = sys.argv[4] if len(sys.argv) > 4 else None
PASSWORD = "a long test password"
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
FIXTURES = os.path.join(REPO, "Tests", "Fixtures")


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def check(condition, message):
    if not condition:
        fail(message)
    print("ok: " + message)


def messages(count, timeout=20):
    """The Maildir's messages once there are `count` (the worker delivers them)."""
    deadline = time.time() + timeout
    while True:
        files = sorted(glob.glob(os.path.join(MAILDIR, "new", "*")), key=os.path.getmtime)
        if len(files) >= count or time.time() > deadline:
            return [email.message_from_binary_file(open(f, "rb"), policy=email.policy.default) for f in files]
        time.sleep(0.05)


def delivered_files():
    return set(glob.glob(os.path.join(MAILDIR, "new", "*")))


def delivered_with(marker, timeout=20, before=frozenset()):
    """The delivered message whose HTML holds `marker`, once the worker has written it — among the
    files that were not there `before` (a Maildir may hold an earlier run's)."""
    deadline = time.time() + timeout
    while True:
        files = sorted(delivered_files() - set(before), key=os.path.getmtime)
        found = [m for m in (email.message_from_binary_file(open(f, "rb"), policy=email.policy.default) for f in files) if marker in html_of(m)]
        if found or time.time() > deadline:
            return found[-1] if found else None
        time.sleep(0.05)


def html_of(message):
    part = message.get_body(preferencelist=("html",))
    return part.get_content() if part else ""


def sign_in(browser, who, width=1280):
    page = browser.new_page(viewport={"width": width, "height": 900})
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(BASE + "/")
    page.fill("#email", f"{who}@example.com")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("#new")
    page.errors = errors
    return page


def shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, name + ".png"), full_page=False)


def start_email(page, subject, to=("customer@example.com",), cc=(), bcc=(), text="Hello."):
    page.click("#new")
    page.click("[data-channel=email]")
    page.click("[data-campaign=billing]")
    for field, values in (("#new-to", to), ("#new-cc", cc), ("#new-bcc", bcc)):
        for value in values:
            page.fill(field, value)
            page.keyboard.press("Enter")
    page.fill("#new-subject", subject)
    page.click("#new-editor .ProseMirror")
    page.keyboard.type(text)
    page.click("#start")
    started, _ = status(page)
    if started != "Interaction started.":
        fail(f"starting said {started!r}")
    page.wait_for_selector("#editor .ProseMirror")


def type_marker_and_select(page, marker):
    editor = page.locator("#editor .ProseMirror")
    editor.click()
    page.keyboard.type(marker)
    # The marker as typed, then selected, as a person sees it before reaching for the toolbar.
    expect(editor).to_contain_text(marker)
    page.keyboard.press("Shift+Home")
    deadline = time.time() + 5
    while page.evaluate("() => window.getSelection().toString()") != marker:
        if time.time() > deadline:
            return False
        time.sleep(0.02)
    return True


def status(page):
    """What the page's status line says after the last action (then cleared for the next). The
    page's CSP forbids eval, so waits are on locators, never wait_for_function."""
    line = page.locator("#status")
    expect(line).not_to_be_empty(timeout=15000)
    text = line.inner_text()
    kind = line.get_attribute("data-kind")
    page.evaluate("() => { const s = document.querySelector('#status'); s.textContent = ''; s.dataset.kind = ''; }")
    return text, kind


def send(page):
    page.click("#send")
    text, _ = status(page)
    if text != "Sent.":
        fail(f"sending said {text!r}")


def formatting(browser):
    """Each toolbar action and shortcut, applied to a marked word, sent, and found in the
    delivered message's HTML."""
    page = sign_in(browser, "ana")
    posted = []
    page.on("request", lambda r: posted.append(r.post_data) if r.method == "POST" and r.url.endswith("/messages") else None)
    start_email(page, "Formatting", text="Opening message.")
    # The thread's composer is narrow beside its preview: the toolbar keeps the everyday commands
    # and puts the rest behind "More"; opened, it stays open for the composer's life.
    more = page.locator("#thread-composer [aria-label='More formatting']")
    expect(page.locator("#thread-composer [aria-label='Align center']")).to_be_hidden()
    check(more.is_visible() and more.get_attribute("aria-expanded") == "false", "the narrow toolbar keeps alignment behind More")
    more.click()
    expect(page.locator("#thread-composer [aria-label='Align center']")).to_be_visible()
    check(more.get_attribute("aria-expanded") == "true", "More says it is open")
    check(page.locator("#voice-record").count() == 0, "an email has no voice notes (audio goes as an attachment)")
    cases = [
        ("ctrl+B bold", lambda: page.keyboard.press("Control+b"), r"<strong[^>]*>MARK</strong>"),
        ("ctrl+I italic", lambda: page.keyboard.press("Control+i"), r"<em[^>]*>MARK</em>"),
        ("ctrl+U underline", lambda: page.keyboard.press("Control+u"), r"<u[^>]*>MARK</u>"),
        ("ctrl+shift+X strike", lambda: page.keyboard.press("Control+Shift+X"), r"<s[^>]*>MARK</s>|<del[^>]*>MARK</del>"),
        ("highlight button", lambda: page.click("[aria-label^=Highlight]"), r"<span[^>]*background-color:#fff176[^>]*>MARK</span>"),
        ("bold button", lambda: page.click("[aria-label^=Bold]"), r"<strong[^>]*>MARK</strong>"),
        ("ctrl+shift+8 bullets", lambda: page.keyboard.press("Control+Shift+8"), r"<ul[^>]*>\s*<li[^>]*>(<p[^>]*>)?MARK"),
        ("ctrl+shift+7 numbers", lambda: page.keyboard.press("Control+Shift+7"), r"<ol[^>]*>\s*<li[^>]*>(<p[^>]*>)?MARK"),
        ("heading 2", lambda: page.select_option("select[aria-label='Text style']", "h2"), r"<h2[^>]*>MARK</h2>"),
        ("align center", lambda: page.click("[aria-label='Align center']"), r"<p[^>]*text-align:\s*center[^>]*>MARK</p>"),
        ("align right", lambda: page.click("[aria-label='Align right']"), r"<p[^>]*text-align:\s*right[^>]*>MARK</p>"),
        ("align justify", lambda: page.click("[aria-label='Align justify']"), r"<p[^>]*text-align:\s*justify[^>]*>MARK</p>"),
        ("link", lambda: (page.once("dialog", lambda d: d.accept("https://example.com/track")), page.click("[aria-label=Link]")),
         r'<a[^>]*href="https://example.com/track"[^>]*>MARK</a>'),
        ("shift+enter line break", lambda: (page.keyboard.press("End"), page.keyboard.press("Shift+Enter"), page.keyboard.type("second")),
         r"MARK<br[^>]*>\s*second"),
        ("horizontal rule", lambda: (page.keyboard.press("End"), page.click("[aria-label='Horizontal rule']")), r'MARK</p>\s*<table role="presentation"[^>]*>\s*<tr>\s*<td style="border-top:1px solid'),  # the renderer's rule
        ("emoji", lambda: (page.keyboard.press("End"), page.click("[aria-label=Emoji]"), page.click("[aria-label='Insert 🎉']")), r"MARK🎉"),
        ("table with a row and a column added", lambda: (page.keyboard.press("End"), page.click("[aria-label='Insert table']"),
                                                          page.keyboard.type("cell"), page.click("[aria-label='Add row']"),
                                                          page.click("[aria-label='Add column']")),
         r"<table(?:(?!</table>).)*?(<tr(?:(?!</tr>).)*?</tr>\s*){3}"),
        # Typing after a pause is its own step: undo takes back " extra" and keeps the marker.
        ("ctrl+Z undo", lambda: (page.keyboard.press("End"), page.wait_for_timeout(700), page.keyboard.type(" extra"), page.keyboard.press("Control+z")),
         r">MARK</p>"),
    ]
    for index, (name, action, pattern) in enumerate(cases):
        # One more try, said in the output, if a case's formatting did not arrive: a machine under
        # heavy load has shown it twice (not reproduced since shortcuts and buttons read what the
        # browser has not reported yet); a broken action fails both tries.
        for attempt in (1, 2, 3):
            marker = f"case{index}{'xyz'[attempt - 1]}"
            before = delivered_files()
            if not type_marker_and_select(page, marker):
                where = page.evaluate("""() => { const s = window.getSelection(); const a = document.activeElement;
                    return {selection: s.toString(), anchor: s.anchorNode && (s.anchorNode.nodeName + ':' + (s.anchorNode.textContent || '').slice(0, 40)), offset: s.anchorOffset,
                            focusOffset: s.focusOffset, active: a && (a.tagName + '.' + a.className), editor: document.querySelector('#editor .ProseMirror').innerHTML.slice(0, 300)}; }""")
                print(f"RETRY {name}: {marker} typed but not selected ({where!r})")
                page.keyboard.press("Control+a")
                page.keyboard.press("Backspace")
                if attempt == 3:
                    fail(f"{name}: the marker was not selected in three tries")
                continue
            action()
            editor_html = page.inner_html("#editor .ProseMirror")
            if name.startswith("table") and SHOTS:
                # The composer holding the table, with its preview, before it is sent.
                expect(page.frame_locator("#thread-composer .email-preview").locator("body")).to_contain_text("cell")
                page.locator("#editor").scroll_into_view_if_needed()
                shot(page, "composer-after-table-1280")
                page.set_viewport_size({"width": 390, "height": 844})
                page.locator("#editor").scroll_into_view_if_needed()
                shot(page, "composer-after-table-390")
                page.set_viewport_size({"width": 1280, "height": 900})
            send(page)
            found = delivered_with(marker, before=before)
            if not found:
                fail(f"{name}: no delivered message holds {marker}")
            body = html_of(found)
            expected = pattern.replace("MARK", marker)
            if re.search(expected, body, re.S):
                break
            if attempt < 3:
                print(f"RETRY {name}: the delivered HTML did not match {expected!r}; the editor held {editor_html!r}; the page posted {posted[-2:]!r}")
                continue
            fail(f"{name}: the delivered HTML matches {expected!r}; the editor held {editor_html!r}; it has: {body[body.find('<body'):][:1500]}")
        check(True, f"{name}: the delivered HTML matches {expected!r}")

    check(page.errors == [], f"no script errors ({page.errors})")


def chips_and_attachments(browser):
    """CC and BCC as chips reach the headers and the envelope (BCC never the headers); a real PDF
    arrives byte for byte; an executable named .pdf is refused with its reason on the page."""
    page = sign_in(browser, "ana")
    shot(page, "list-1280")
    page.click("#new")
    shot(page, "new-channel-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "new-channel-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.click("[data-channel=email]")
    page.click("[data-campaign=billing]")
    for field, value in (("#new-to", '"Díaz, Bruno" <customer@example.com>'), ("#new-cc", "boss@example.com, second@example.com"),
                         ("#new-bcc", "audit@example.com"), ("#new-cc", "not an address")):
        page.fill(field, value)
        page.keyboard.press("Enter")
    # The server's address parser makes the chips: a quoted comma stays in its name, a list makes two.
    expect(page.locator(".chip")).to_have_count(5)
    check(page.locator(".chip").first.get_attribute("data-value") == "customer@example.com", "a display name with a comma is one chip")
    bad = page.locator(".chip.invalid")
    expect(bad).to_have_count(1)
    check("not an address" in bad.inner_text() and bad.get_attribute("aria-invalid") == "true", f"an invalid chip is marked with the reason: {bad.inner_text()!r}")
    page.fill("#new-subject", "Invoice attached")
    page.click("#new-editor .ProseMirror")
    page.keyboard.type("Your invoice is attached.")
    page.set_input_files("#new-files", os.path.join(FIXTURES, "attachments", "sample.pdf"))
    page.wait_for_selector(".file >> text=application/pdf")
    page.set_input_files("#new-files", os.path.join(FIXTURES, "attachments", "invoice.pdf"))
    refused = page.locator(".file.refused")
    refused.wait_for()
    check("portable-executable" in refused.inner_text(), f"the disguised executable is refused with its reason shown: {refused.inner_text()!r}")
    # The preview is the server's rendering of what is typed.
    expect(page.frame_locator(".modal .email-preview").locator("body")).to_contain_text("Your invoice is attached.", timeout=10000)
    check(True, "the preview shows the server's rendering of the draft")
    page.click(".modal .widths >> text=Phone")
    expect(page.locator(".modal .email-preview.phone")).to_have_count(1)
    check(page.locator(".modal .email-preview").bounding_box()["width"] <= 376, "the phone preview is 375 px wide")
    shot(page, "new-email-phone-preview-1280")
    page.click(".modal .widths >> text=Desktop")
    shot(page, "new-email-1280")
    if SHOTS:
        page.set_viewport_size({"width": 390, "height": 844})
        shot(page, "new-email-390")
        page.set_viewport_size({"width": 1280, "height": 900})
    page.click("#start")
    expect(page.locator(".modal .error")).to_contain_text("Remove the addresses marked in red")
    check(True, "the start is refused while a chip is invalid")
    page.click(".chip.invalid button")
    page.click("#start")
    started, kind = status(page)
    if started != "Interaction started.":
        fail(f"starting said {started!r}; the form says {page.inner_text('.modal .error')!r}")
    page.wait_for_selector("#editor .ProseMirror")
    message = messages(1)[-1]
    check("Díaz, Bruno" in str(message["To"]), f"the display name with its comma in To: {message['To']}")
    check(message["Cc"] is not None and "boss@example.com" in message["Cc"] and "second@example.com" in message["Cc"], f"Cc header: {message['Cc']}")
    check(message["Bcc"] is None and b"audit@example.com" not in message.as_bytes(), "BCC is in no header")
    # The thread shows each envelope recipient's delivery, updated live as the worker delivers.
    expect(page.locator(".delivery", has_text="audit@example.com")).to_have_text(re.compile("accepted$"), timeout=15000)
    check(True, "the BCC recipient is in the envelope, delivered")
    attachments = [part for part in message.iter_attachments()]
    check([a.get_filename() for a in attachments] == ["sample.pdf"], f"one attachment, sample.pdf: {[a.get_filename() for a in attachments]}")
    expected = hashlib.sha256(open(os.path.join(FIXTURES, "attachments", "sample.pdf"), "rb").read()).hexdigest()
    check(hashlib.sha256(attachments[0].get_content()).hexdigest() == expected, "the PDF arrives byte for byte")
    shot(page, "thread-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "thread-390")
    check(page.errors == [], f"no script errors ({page.errors})")


def customer_panel_and_suggestions(browser):
    """The customer information panel shows who the interaction is with and their other
    interactions; a new email to a known customer suggests whoever was copied before, and the
    suggestion taken reaches the Cc header."""
    page = sign_in(browser, "ana")
    start_email(page, "First contact", to=("lucia@example.com",), cc=("ops@example.com",))
    panel = page.locator("#customer")
    expect(panel.locator(".customer-fields")).to_contain_text("lucia@example.com")
    expect(panel).to_contain_text("No other interactions")
    check("null" not in panel.inner_text() and "Name" not in panel.inner_text(),
          f"the panel shows the customer's address, no other interactions yet, and nothing for the name nobody gave: {panel.inner_text()!r}")
    page.click("#new")
    page.click("[data-channel=email]")
    page.click("[data-campaign=billing]")
    page.fill("#new-to", "lucia@example.com")
    page.keyboard.press("Enter")
    suggestion = page.locator(".suggestions .suggestion")
    expect(suggestion).to_have_count(1)
    check(suggestion.get_attribute("aria-label") == "Add ops@example.com to CC", f"the earlier CC is suggested: {suggestion.get_attribute('aria-label')!r}")
    check(page.locator("#new-suggestions option").evaluate_all("options => options.map(o => o.value)") == ["ops@example.com"],
          "the CC and BCC inputs offer it as they are typed in")
    shot(page, "new-email-suggestions-1280")
    suggestion.click()
    expect(page.locator(".chips:has(#new-cc) .chip")).to_have_count(1)
    check(page.locator(".chips:has(#new-cc) .chip").get_attribute("data-value") == "ops@example.com", "the suggestion became a CC chip")
    page.fill("#new-subject", "Second contact")
    page.click("#new-editor .ProseMirror")
    page.keyboard.type("Following up.")
    page.click("#start")
    started, _ = status(page)
    check(started == "Interaction started.", f"started: {started!r}")
    found = next((m for m in messages(2) if "Second contact" in str(m["Subject"])), None)
    check(found is not None and "ops@example.com" in str(found["Cc"]), f"the suggested address is in Cc: {found and found['Cc']}")
    expect(panel.locator(".customer-history li")).to_have_count(1)
    expect(panel.locator(".customer-history")).to_contain_text("First contact")
    check(True, "the panel lists the customer's first interaction")
    shot(page, "customer-panel-1280")
    panel.locator(".customer-history button").click()
    expect(page.locator(".thread-head .meta")).to_contain_text("First contact")
    check(True, "an interaction in the panel opens from there")
    check(page.errors == [], f"no script errors ({page.errors})")


def take_race_and_transfer(browser):
    """Ana transfers to Sales: Bruno's and Eva's pages show it in Pending live; both take it at
    once: one has it, the other's page says so and it leaves their Pending."""
    ana = sign_in(browser, "ana")
    start_email(ana, "Needs sales")
    bruno = sign_in(browser, "bruno")
    eva = sign_in(browser, "eva")
    for page in (bruno, eva):
        page.click("#tab-pending")
    ana.click("#transfer")
    shot(ana, "transfer-1280")
    ana.select_option("#transfer-to", "campaign:sales")
    ana.fill("#transfer-note", "asks about a quote")
    ana.click("#transfer-go")
    for page in (bruno, eva):
        page.wait_for_selector("#list .item >> text=Needs sales", timeout=10000)
    check(True, "the transfer appears in both Sales agents' Pending tabs without a reload")
    shot(bruno, "pending-1280")
    eva.set_viewport_size({"width": 390, "height": 844})
    shot(eva, "pending-390")
    bruno.click("#list .item >> text=Needs sales")
    eva.click("#list .item >> text=Needs sales")
    bruno.wait_for_selector("#take")
    eva.wait_for_selector("#take")
    bruno.evaluate("document.querySelector('#take').click()")
    eva.evaluate("document.querySelector('#take').click()")
    statuses = sorted([status(bruno)[0], status(eva)[0]])
    winners = [s for s in statuses if s.startswith("Take done")]
    check(len(winners) == 1, f"exactly one take wins: {statuses}")
    loser = [s for s in statuses if not s.startswith("Take done")][0]
    check("taken" in loser, f"the other is told it is taken: {loser!r}")
    for page in (bruno, eva):
        page.click("#tab-pending")
        expect(page.locator("#list .item", has_text="Needs sales")).to_have_count(0, timeout=10000)
    check(True, "it leaves both Pending tabs")


def finish_categorize_close(browser):
    """Close is refused until finished, categorized and the form submitted, with the reason on the
    page; then it closes. (And J/K move through the list.)"""
    page = sign_in(browser, "ana")
    start_email(page, "Another one")
    start_email(page, "To close")
    # J and K, with the focus out of the editor: the list is most recent first.
    page.click(".thread-head h2")
    page.keyboard.press("j")
    expect(page.locator(".thread-head .meta")).to_contain_text("Another one")
    page.keyboard.press("k")
    expect(page.locator(".thread-head .meta")).to_contain_text("To close")
    check(True, "J and K move through the Active tab")
    # J then K at once, with J's answer held back until K's is shown: the page must end on what
    # K chose (the list marking it too), not on the late answer to J.
    late = page.locator("#list .item", has_text="Another one").get_attribute("data-id")
    chosen = page.locator("#list .item", has_text="To close").get_attribute("data-id")
    held = []
    pattern = re.compile(r".*/api/v1/interactions/" + re.escape(late) + r"$")
    page.route(pattern, lambda route: held.append(route))
    # K's answer arriving means J's request (sent first) has reached the route by then.
    with page.expect_response(re.compile(r".*/api/v1/interactions/" + re.escape(chosen) + r"$")):
        page.keyboard.press("j")
        page.keyboard.press("k")
    expect(page.locator(".thread-head .meta")).to_contain_text("To close")
    # (Another answer for "To close", a live refresh's, may have come first: wait for J's request.)
    deadline = time.time() + 15
    while not held and time.time() < deadline:
        page.wait_for_timeout(50)
    check(len(held) >= 1, f"J asked for the next interaction ({len(held)} requests held)")
    with page.expect_response(pattern) as answer:
        for route in held:
            route.continue_()
    answer.value.finished()
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    page.unroute(pattern)
    meta = page.locator(".thread-head .meta").inner_text()
    marked = page.locator("#list .item.selected").inner_text()
    check("To close" in meta and "To close" in marked, f"a late answer to J does not replace K's choice: shows {meta!r}, marks {marked!r}")
    page.click("#close")
    text, kind = status(page)
    check(kind == "error" and "finish it" in text, f"close before finishing says what is missing: {text!r}")
    page.click("#finish")
    check(status(page)[0].startswith("Finish done"), "finished")
    page.click("#close")
    text, kind = status(page)
    check(kind == "error" and "categorize it" in text and "finish it" not in text, f"then only what is still missing: {text!r}")
    page.select_option("#category", "Resolved")
    check(status(page)[0].startswith("Category done"), "categorized")
    page.select_option("#field-satisfaction", "good")
    page.click("#form button[type=submit]")
    check(status(page)[0].startswith("Form submitted"), "the form submitted")
    page.click("#close")
    check(status(page)[0].startswith("Close done"), "closed")
    expect(page.locator(".thread-head .meta")).to_contain_text("closed")
    check(True, "the thread says closed")


def word_paste(browser):
    """A Word HTML fragment pasted into the composer keeps its bold, italic and list."""
    page = sign_in(browser, "ana")
    start_email(page, "Pasted")
    fragment = open(os.path.join(FIXTURES, "html", "word-paste.html"), encoding="utf-8").read()
    page.click("#editor .ProseMirror")
    page.evaluate("""html => {
        const data = new DataTransfer();
        data.setData('text/html', html);
        data.setData('text/plain', 'pasted');
        document.querySelector('#editor .ProseMirror').dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
    }""", fragment)
    page.click("#editor .ProseMirror")
    page.keyboard.press("Control+End")
    page.keyboard.type(" pastedmarker")
    send(page)
    found = delivered_with("pastedmarker")
    check(found is not None, "the pasted message is delivered")
    body = html_of(found)
    check(re.search(r"<strong[^>]*>", body) is not None, "bold survives the paste")
    check(re.search(r"<em[^>]*>any</em>", body) is not None, "italic survives the paste")
    check(re.search(r"<u[^>]*>30 days</u>", body) is not None, "underline survives the paste")
    check(re.search(r"<(s|del)[^>]*>final sale</(s|del)>", body) is not None, "strikethrough survives the paste")
    check(re.search(r"<span[^>]*background-color:#fff176[^>]*>1 April</span>", body) is not None, "Word's highlight survives the paste")
    check(re.search(r"text-align:\s*center[^>]*>Thank you for shopping with us", body) is not None, "centred text stays centred")


def whatsapp_template(browser):
    """A WhatsApp start offers only the campaign's approved templates (no free-form editor); the
    one chosen, with its parameters, is what the provider receives (checked by the Swift test at
    the providers' stand-in)."""
    page = sign_in(browser, "ana")
    page.click("#new")
    page.click("[data-channel=whatsapp]")
    page.click("[data-campaign=billing]")
    check(page.locator("#new-editor").count() == 0, "no free-form message is offered for a WhatsApp opening")
    check(page.locator("#new-template option").all_inner_texts() == ["order_update"], "the campaign's approved templates are offered")
    page.fill("#new-number", "+34 612 345 678")
    params = page.locator(".param")
    expect(params).to_have_count(2)
    params.nth(0).fill("Lucía")
    params.nth(1).fill("A-1001")
    shot(page, "new-whatsapp-1280")
    page.click("#start")
    started, _ = status(page)
    check(started == "Interaction started.", f"started: {started!r}")
    expect(page.locator(".thread-head .meta")).to_contain_text("WhatsApp")
    check(True, "the WhatsApp interaction is open in Active")


def sms_start(browser):
    """An SMS start: the message box without formatting, the preview's encoding and segments from
    the server, and the text received by the SMS gateway's stand-in (checked by the Swift test)."""
    page = sign_in(browser, "ana")
    page.click("#new")
    page.click("[data-channel=sms]")
    page.click("[data-campaign=billing]")
    check(page.locator(".modal [aria-label^=Bold]").count() == 0, "an SMS has no formatting toolbar")
    check(page.locator("#new-files").count() == 0, "an SMS has no attachments")
    page.fill("#new-number", "612 345 678")
    page.click("#new-editor .ProseMirror")
    page.keyboard.type("Your order shipped: café")
    expect(page.locator(".modal .preview .hint")).to_contain_text("GSM-7, 1 segment(s)", timeout=10000)
    check(True, "the preview says GSM-7, one segment")
    shot(page, "new-sms-1280")
    page.click("#start")
    started, _ = status(page)
    check(started == "Interaction started.", f"started: {started!r}")
    page.wait_for_selector("#editor .ProseMirror")
    check(page.locator("#voice-record").count() == 0, "an SMS has no voice notes")


def tone_wav(seconds=2.0, rate=48000, frequency=440):
    """A WAV file of a tone for Chromium's fake microphone (48 kHz mono 16-bit)."""
    path = os.path.join(tempfile.mkdtemp(prefix="herald-voice-"), "tone.wav")
    with wave.open(path, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"".join(struct.pack("<h", int(12000 * math.sin(2 * math.pi * frequency * i / rate))) for i in range(int(seconds * rate))))
    return path


def customer_wrote(interaction):
    """The customer answered (the inbox has no inbound webhook yet): the interaction's last
    inbound time set in the inbox's SQLite file, as receiving a message would, which opens
    WhatsApp's 24-hour window to free-form messages and voice notes."""
    database = sqlite3.connect(os.path.join(os.path.dirname(MAILDIR), "inbox.sqlite"), timeout=10)
    with database:
        changed = database.execute("UPDATE interaction SET body = json_set(body, '$.lastInboundAt', ?) WHERE id = ?", (time.time(), interaction)).rowcount
    database.close()
    check(changed == 1, f"the customer wrote in {interaction}")


def record(page, seconds):
    """Records `seconds` from the fake microphone; the page then offers the recording."""
    page.click("#voice-record")
    expect(page.locator("#voice-state")).to_contain_text("Recording", timeout=10000)
    expect(page.locator("#voice-stop")).to_be_focused()
    page.wait_for_timeout(seconds * 1000)
    page.keyboard.press("Enter")  # Stop, by keyboard (it has the focus)
    expect(page.locator("#voice-audio")).to_be_visible(timeout=10000)
    expect(page.locator("#voice-state")).to_contain_text("Voice note 0:0")


def audio_duration(page, timeout=10):
    """The <audio> element's duration once it has read the recording (NaN before)."""
    deadline = time.time() + timeout
    while True:
        duration = page.evaluate("() => document.querySelector('#voice-audio').duration")
        if (duration and duration == duration and duration > 0) or time.time() > deadline:
            return duration
        time.sleep(0.05)


def voice_note(browser):
    """A WhatsApp voice note: recorded from Chromium's fake microphone (a 440 Hz tone), listened
    to, trashed, recorded again and sent; the provider's stand-in receives Ogg Opus as an audio
    message marked as a voice note (checked by the Swift test with opusinfo and opusdec)."""
    page = sign_in(browser, "ana")
    page.click("#new")
    page.click("[data-channel=whatsapp]")
    page.click("[data-campaign=billing]")
    page.fill("#new-number", "+34 612 345 678")
    params = page.locator(".param")
    expect(params).to_have_count(2)
    params.nth(0).fill("Lucía")
    params.nth(1).fill("A-1001")
    page.click("#start")
    started, _ = status(page)
    check(started == "Interaction started.", f"started: {started!r}")
    expect(page.locator("#voice-record")).to_be_visible()
    check(True, "the WhatsApp composer offers a voice note")
    interaction = page.locator("#list .item.selected").get_attribute("data-id")
    customer_wrote(interaction)
    record(page, 2.5)
    duration = audio_duration(page)
    check(duration and duration > 1.5, f"the recording plays in the page: the audio element's duration is {duration}")
    shot(page, "voice-note-1280")
    if SHOTS:
        page.set_viewport_size({"width": 390, "height": 844})
        page.locator("#voice-audio").scroll_into_view_if_needed()
        shot(page, "voice-note-390")
        page.set_viewport_size({"width": 1280, "height": 900})
    page.click("#voice-trash")
    expect(page.locator("#voice-audio")).to_be_hidden()
    expect(page.locator("#voice-record")).to_be_focused()
    check(page.locator("#voice-state").inner_text() == "", "trashed: nothing is left to send")
    record(page, 2.5)
    check(audio_duration(page) > 1.5, "recorded again")
    # Text being typed is not sent with the voice note (it goes alone), and stays.
    page.click("#editor .ProseMirror")
    page.keyboard.type("A reply in progress")
    page.click("#voice-send")
    sent, kind = status(page)
    check(sent == "Sent." and kind != "error", f"sending said {sent!r}")
    expect(page.locator("#voice-record")).to_be_visible()
    expect(page.locator(".messages .message")).to_have_count(2)
    expect(page.locator("#editor .ProseMirror")).to_have_text("A reply in progress")
    check(True, "the text being typed stays in the composer")
    check(page.errors == [], f"no script errors: {page.errors}")


def template_picker(browser):
    """The template picker: a new email fills the chosen template, lists the required values
    nobody has, fills them in on Apply and sends the template's formatting; a reply fills the
    customer's name from the interaction's customer; the SMS composer offers only SMS templates.
    The server serves the test templates folder (TemplateFolder in TemplateServerTests.swift)."""
    page = sign_in(browser, "ana")
    before = delivered_files()
    page.click("#new")
    page.click("[data-channel=email]")
    page.click("[data-campaign=billing]")
    page.fill("#new-to", '"Lucía Pérez" <lucia@example.com>')
    page.keyboard.press("Enter")
    choice = page.locator("#new-template-choice")
    expect(choice.locator("option")).to_have_count(5)
    offered = choice.locator("option").evaluate_all("options => options.map(o => o.value)")
    check(offered == ["", "newsletter", "order-shipped", "refund-note", "welcome"], f"the email picker lists billing's templates: {offered}")
    choice.focus()
    choice.select_option("welcome")
    expect(page.locator("#new-template-about")).to_contain_text("Greets a new customer")
    page.click("#new-template-use")
    missing = page.locator("#new-template-missing")
    expect(missing).to_be_visible()
    expect(missing.locator("label")).to_have_count(2)
    labels = missing.locator("label").all_inner_texts()
    check(labels == ["Missing: customer_name", "Missing: account_url"], f"the missing values are listed: {labels}")
    editor = page.locator("#new-editor .ProseMirror")
    expect(editor.locator("h1")).to_contain_text("Welcome, !")
    expect(editor.locator("strong")).to_contain_text("Herald Home")
    check(page.input_value("#new-subject").strip() == "Welcome to Herald Home,", "the empty subject took the template's")
    # Keyboard: the first missing value has the focus; Enter in it applies.
    expect(page.locator("#new-template-value-customer_name")).to_be_focused()
    page.keyboard.type("Lucía Pérez")
    page.fill("#new-template-value-account_url", "https://herald-home.example/account/lucia")
    shot(page, "template-picker-1280")
    page.locator("#new-template-value-account_url").press("Enter")
    expect(missing).to_be_hidden()
    expect(editor.locator("h1")).to_have_text("Welcome, Lucía Pérez!")
    check(page.input_value("#new-subject") == "Welcome to Herald Home, Lucía Pérez", "the subject was filled again with the name")
    page.click("#start")
    started, _ = status(page)
    check(started == "Interaction started.", f"started: {started!r}")
    sent = delivered_with("account/lucia", before=before)
    check(sent is not None, "the filled template was delivered")
    html = html_of(sent)
    check("Welcome, Lucía Pérez!" in html and "Welcome to Herald Home, Lucía Pérez" in str(sent["Subject"]),
          "the delivered email has the typed name in its heading and subject")
    check(re.search(r"<strong[^>]*>Herald Home</strong>", html) is not None, "the template's bold is in the delivered HTML")
    check('href="https://herald-home.example/account/lucia"' in html, "the typed link address is the link's")

    # A reply: the interaction's customer (named by the To address) fills the name.
    page.wait_for_selector("#editor .ProseMirror")
    page.locator("#template-choice").select_option("welcome")
    page.click("#template-use")
    expect(page.locator("#template-missing label")).to_have_count(1)
    check(page.locator("#template-missing label").inner_text() == "Missing: account_url", "only the link is missing: the name is the customer's")
    expect(page.locator("#editor .ProseMirror h1")).to_have_text("Welcome, Lucía Pérez!")
    page.fill("#template-value-account_url", "https://herald-home.example/account/reply")
    page.click("#template-apply")
    expect(page.locator("#template-missing")).to_be_hidden()
    send(page)
    reply = delivered_with("account/reply", before=before)
    check(reply is not None and "Welcome, Lucía Pérez!" in html_of(reply), "the reply has the customer's name from the customer record")

    # SMS: only the templates with an SMS part's channel, filled as the SMS text.
    page.click("#new")
    page.click("[data-channel=sms]")
    page.click("[data-campaign=billing]")
    sms_choice = page.locator("#new-template-choice")
    expect(sms_choice.locator("option")).to_have_count(4)
    offered = sms_choice.locator("option").evaluate_all("options => options.map(o => o.value)")
    check(offered == ["", "order-shipped", "refund-note", "welcome"], f"the SMS picker leaves the email-only newsletter out: {offered}")
    sms_choice.select_option("refund-note")
    page.click("#new-template-use")
    expect(page.locator("#new-editor .ProseMirror")).to_contain_text("is on its way")
    expect(page.locator("#new-template-missing label")).to_have_count(3)
    check(page.errors == [], f"no script errors ({page.errors})")


def inbound_email(browser):
    """Lucía's email (imported by the test with `herald inbound` before the page opens): the
    thread shows its table, list and highlight, the quoted history folded away, her PDF as a
    download; the reply starts To her with Pablo and Marta copied; Ana drops Marta and sends:
    the delivered reply has one Re:, the thread's In-Reply-To and only Pablo in Cc."""
    ana = sign_in(browser, "ana")
    ana.click("#tab-pending")
    ana.click("#list .item >> text=Factura duplicada")
    message = ana.locator(".message.inbound").first
    expect(message).to_be_visible()
    expect(message.locator(".message-meta")).to_contain_text("Lucía Pérez <lucia@example.net>")
    expect(message.locator(".inbound-text table td", has_text="30 €")).to_be_visible()
    expect(message.locator(".inbound-text mark")).to_have_text("twice")
    expect(message.locator(".inbound-text li")).to_have_text("card ending 1234")
    check(True, "her table, list and highlight show with their structure")
    quoted = message.locator("details.quoted")
    expect(quoted.locator(".quoted-text")).to_be_hidden()
    check(quoted.get_attribute("open") is None, "the quoted history is folded away")
    link = message.locator(".inbound-files a")
    expect(link).to_have_text("📎 statement.pdf")
    check(link.get_attribute("href").startswith("/api/v1/interactions/") and link.get_attribute("download") == "statement.pdf", "her PDF is a download")
    shot(ana, "inbound-email-1280")
    quoted.locator("summary").click()
    expect(quoted.locator(".quoted-text")).to_contain_text("Your invoice is ready.")
    check(True, "Show quoted text unfolds the history")
    ana.click("#take")
    taken, _ = status(ana)
    check(taken == "Take done.", f"taking said {taken!r}")
    expect(ana.locator("#reply-to")).to_have_text("lucia@example.net")
    expect(ana.locator("#reply-cc")).to_have_value("pablo@example.net, marta@example.net")
    expect(ana.locator("#reply-subject")).to_have_text("Re: Factura duplicada")
    check(True, "the reply starts To her, her colleagues copied, one Re:")
    shot(ana, "inbound-reply-1280")
    ana.fill("#reply-cc", "pablo@example.net")
    before = delivered_files()
    ana.click("#editor .ProseMirror")
    ana.keyboard.type("We refunded one charge. REPLYMARK")
    send(ana)
    reply = delivered_with("REPLYMARK", before=before)
    check(reply is not None, "the reply was delivered")
    check(str(reply["To"]) == "lucia@example.net" and str(reply["Cc"]) == "pablo@example.net", f"To her, Cc only Pablo: {reply['To']} / {reply['Cc']}")
    check(str(reply["Subject"]) == "Re: Factura duplicada" and str(reply["In-Reply-To"]) == "<CAF-lucia-1@mail.gmail.example>",
          f"one Re: and the thread: {reply['Subject']} / {reply['In-Reply-To']}")
    ana.set_viewport_size({"width": 390, "height": 844})
    # Queried when it runs: a live refresh may have replaced the element a locator resolved.
    ana.evaluate("() => document.querySelector('.message.inbound').scrollIntoView()")
    shot(ana, "inbound-email-390")
    check(ana.errors == [], f"no script errors ({ana.errors})")


SCENARIOS = {f.__name__: f for f in (formatting, chips_and_attachments, take_race_and_transfer, finish_categorize_close, word_paste, whatsapp_template,
                                     sms_start, customer_panel_and_suggestions, voice_note)}
SCENARIOS["template_picker"] = template_picker
SCENARIOS["inbound_email"] = inbound_email

# The voice note scenario's microphone: Chromium's fake device playing a generated tone, allowed
# without a prompt.
ARGUMENTS = ["--no-sandbox"]
if SCENARIO == "voice_note":
    ARGUMENTS += ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream", "--use-file-for-fake-audio-capture=" + tone_wav()]

with sync_playwright() as playwright:
    browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGUMENTS)
    try:
        SCENARIOS[SCENARIO](browser)
    finally:
        browser.close()
print("passed: " + SCENARIO)
