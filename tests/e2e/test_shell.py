"""The PWA shell and the API docs in a real browser, loading nothing from another origin."""


def test_shell_loads_in_chinese_and_reports_the_server_up(page, live_server):
    page.goto(live_server + "/")
    page.wait_for_selector("[data-health=ok]")
    assert page.title() == "务工通 LaborPass"
    assert "服务正常" in page.inner_text("[data-health]")
    assert "Loading" not in page.inner_text("body")
    manifest = page.evaluate("fetch('/manifest.webmanifest').then(r => r.json())")
    assert manifest["lang"] == "zh-CN" and manifest["display"] == "standalone"
    assert all(url.startswith(live_server) for url in page.requests), page.requests


def test_api_docs_render_from_our_own_assets(page, live_server):
    page.goto(live_server + "/api/docs")
    page.wait_for_selector(".opblock-summary-path[data-path=\"/api/workers\"]")
    assert page.locator(".opblock").count() >= 10
    assert all(url.startswith(live_server) for url in page.requests), page.requests


def test_the_app_is_installable_and_opens_with_the_network_off(page, live_server):
    page.goto(live_server + "/")
    assert page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # now controlled by the service worker
    cdp = page.context.new_cdp_session(page)
    errors = [e["errorId"]
              for e in cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]]
    # Chromium's own check of the manifest, icons and service worker; Playwright's contexts are
    # incognito, which Chromium reports too (about the browser, not the app).
    assert [e for e in errors if e != "in-incognito"] == [], errors
    page.context.set_offline(True)
    page.goto(live_server + "/")
    page.wait_for_selector("[data-health]")
    assert "务工通" in page.inner_text("header")
    assert page.get_attribute("[data-health]", "data-health") == "offline"


def test_a_new_version_is_offered_and_taken_without_losing_the_page(page, live_server, app,
                                                                    tmp_path):
    import shutil
    from pathlib import Path

    deployed = tmp_path / "dist"
    shutil.copytree(app.config["LABORPASS_PWA_DIR"], deployed)
    app.config["LABORPASS_PWA_DIR"] = str(deployed)
    page.goto(live_server + "/")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    assert not page.is_visible("#update")  # the first version installed silently

    sw = Path(deployed, "sw.js")
    sw.write_text(sw.read_text() + "\n// the next release\n")
    page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.update())")
    # installed, waiting: nothing changes until the person says so
    page.wait_for_selector("#update")
    with page.expect_navigation():
        page.click("#update button")
    page.wait_for_selector("[data-health]")
    assert not page.is_visible("#update")
    served = page.evaluate("navigator.serviceWorker.getRegistration().then((r) => "
                           "fetch(r.active.scriptURL))"
                           ".then((r) => r.text())")
    assert served.endswith("// the next release\n")
    assert page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.waiting === "
                         "null)")
