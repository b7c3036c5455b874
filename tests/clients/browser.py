"""Drives Debian's Chromium (headless, through Debian's chromedriver and
Selenium; no browser download) over the pages of a running server, given as
first argument (http://HOST:PORT); the paths to visit follow. For each page:
its title, its first heading, the browser console's errors (a blocked
resource, a script error), and the WCAG 2.1 A/AA violations that axe-core
(node_modules/axe-core) finds, for a phone-sized and a desktop window. On
the query page it also runs the first example query by clicking its button,
and reports how many result rows YASGUI shows and how many rows the
endpoint answers (JSON), how many tabs there are before and after a click on
the page's new-tab button, and the error YASGUI shows for a malformed query
in that tab; axe-core checks the page with the results and with the error.
On the first award page (desktop window) it follows the "query this
resource" link and reports the query the editor opens with and the rows
YASGUI shows against those the endpoint answers. On the home page (desktop
window) it types each search of SEARCHES in the header's search box, submits
it, and reports the links of the results; on the home page, the shapes of
the map the browser draws, the linked ones and the map's width. Prints a JSON list with one
object per page and window."""

import json
import os
import pathlib
import sys
import tempfile
import urllib.parse
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ready
from selenium.webdriver.support.ui import WebDriverWait

os.environ["SE_OFFLINE"] = "true"  # never let Selenium Manager download anything
base = sys.argv[1]
paths = sys.argv[2:]
axe = (pathlib.Path(__file__).parent / "node_modules/axe-core/axe.min.js").read_text()
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WINDOWS = {"phone": (390, 844), "desktop": (1280, 900)}
SEARCHES = ["Mairie de LUNAS", "ville de paris", "telemedecine"]


def browser(profile):
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--lang=fr-FR",
    ]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))


def console_errors(driver):
    return [
        entry["message"]
        for entry in driver.get_log("browser")
        if entry["level"] in ("SEVERE", "ERROR")
        # The 404 page is expected to be a 404, the malformed query a 400.
        and "the server responded with a status of 404" not in entry["message"]
        and "/sparql - Failed to load resource: the server responded with a status of 400"
        not in entry["message"]
    ]


def axe_violations(driver):
    driver.execute_script(axe)
    results = driver.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        axe.run(document, { runOnly: { type: "tag", values: arguments[0] } })
          .then((r) => done(r.violations.map((v) => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map((n) => n.target.join(" ")).slice(0, 5),
          }))))
          .catch((e) => done([{ id: "axe-error", help: String(e), nodes: [] }]));
        """,
        WCAG,
    )
    return results


def first_example_rows(driver):
    """Clicks the first example query and counts the rows YASGUI shows, and
    the rows the endpoint gives for the same query."""
    wait = WebDriverWait(driver, 20)
    button = wait.until(ready.element_to_be_clickable((By.CSS_SELECTOR, "button[data-example='0']")))
    examples = json.loads(driver.find_element(By.ID, "examples").get_attribute("textContent"))
    button.click()
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".yasr table tbody tr td"))
    shown = len(driver.find_elements(By.CSS_SELECTOR, ".yasr table tbody tr"))
    url = base + "/sparql?" + urllib.parse.urlencode({"query": examples[0]["query"]})
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request) as response:
        expected = len(json.load(response)["results"]["bindings"])
    return shown, expected


def new_tab(driver):
    """Clicks the page's new-tab button: the tabs YASGUI shows, before and after."""
    tabs = lambda: len(driver.find_elements(By.CSS_SELECTOR, ".tabsList [role=tab]"))
    before = tabs()
    driver.find_element(By.ID, "new-tab").click()
    WebDriverWait(driver, 10).until(lambda d: tabs() > before)
    return before, tabs()


def error_shown(driver, query):
    """Runs a malformed query in the current tab: the error YASGUI shows."""
    driver.execute_script(
        "document.querySelector('.tabPanel.active .CodeMirror').CodeMirror.setValue(arguments[0])",
        query,
    )
    driver.find_element(By.CSS_SELECTOR, ".tabPanel.active .yasqe_queryButton").click()
    shown = WebDriverWait(driver, 20).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, ".tabPanel.active .yasr .errorResult")
    )
    return shown[0].text


def prefix_declared(driver):
    """Types a query that uses ti: without declaring it: the editor's text
    afterwards (the page adds the PREFIX line)."""
    driver.execute_script(
        "document.querySelector('.tabPanel.active .CodeMirror').CodeMirror"
        ".setValue('SELECT ?award WHERE { ?award a ti:Award }')"
    )
    return WebDriverWait(driver, 10).until(
        lambda d: (
            lambda text: text if "PREFIX ti:" in text else False
        )(d.execute_script(
            "return document.querySelector('.tabPanel.active .CodeMirror').CodeMirror.getValue()"
        ))
    )


def hints_shown(driver, query):
    """Runs a query that finds nothing because of a literal without its
    language tag: the hints the page shows below the results."""
    driver.execute_script(
        "document.querySelector('.tabPanel.active .CodeMirror').CodeMirror.setValue(arguments[0])",
        query,
    )
    driver.find_element(By.CSS_SELECTOR, ".tabPanel.active .yasqe_queryButton").click()
    shown = WebDriverWait(driver, 20).until(
        lambda d: [e for e in d.find_elements(By.CSS_SELECTOR, "#hints li") if e.text]
    )
    return [e.text for e in shown]


def terms_completed(driver):
    """Types the start of an ontology property after a subject and asks the
    editor to complete it: the suggestions it shows, and the addresses the
    page asked for meanwhile (none outside the server)."""
    driver.execute_script(
        "const cm = document.querySelector('.tabPanel.active .CodeMirror').CodeMirror;"
        "cm.setValue('PREFIX ti: <https://w3id.org/territoire-innovant/ontology#>\\nSELECT * WHERE { ?o ti:covers');"
        "cm.focus(); cm.setCursor(cm.lineCount(), 0);"
        "performance.clearResourceTimings();"
        "cm.autocomplete();"
    )
    shown = WebDriverWait(driver, 10).until(
        lambda d: [e.text for e in d.find_elements(By.CSS_SELECTOR, ".CodeMirror-hints .CodeMirror-hint")]
    )
    fetched = driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
        ".filter(n => !n.startsWith(location.origin))"
    )
    driver.execute_script("document.querySelector('.tabPanel.active .CodeMirror').CodeMirror.execCommand('goDocEnd')")
    return {"shown": shown, "outside": fetched}


def plan_shown(driver, query):
    """Puts `query` in the current tab and asks « Expliquer l'évaluation »:
    the summary and the operators of the plan the page shows."""
    driver.execute_script(
        "document.querySelector('.tabPanel.active .CodeMirror').CodeMirror.setValue(arguments[0])",
        query,
    )
    driver.find_element(By.ID, "explain").click()
    WebDriverWait(driver, 20).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "#plan-contenu .plan-tree li")
    )
    summary = driver.find_element(By.CSS_SELECTOR, "#plan-contenu > p").text
    operators = [e.text.split("\n")[0] for e in driver.find_elements(By.CSS_SELECTOR, "#plan-contenu .plan-tree li")]
    return {"summary": summary, "operators": operators}


def resource_query(driver):
    """Follows the page's "query this resource" link: the query in the editor
    of the query page, the rows YASGUI shows and the rows the endpoint gives."""
    driver.find_element(By.CSS_SELECTOR, ".query-resource a").click()
    wait = WebDriverWait(driver, 20)
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".tabPanel.active .yasr table tbody tr td"))
    query = driver.execute_script(
        "return document.querySelector('.tabPanel.active .CodeMirror').CodeMirror.getValue()"
    )
    shown = len(driver.find_elements(By.CSS_SELECTOR, ".tabPanel.active .yasr table tbody tr"))
    url = base + "/sparql?" + urllib.parse.urlencode({"query": query})
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request) as response:
        expected = len(json.load(response)["results"]["bindings"])
    return {"query": query, "shown": shown, "expected": expected}


def searches(driver):
    """Types each search in the header's search box: the links it finds."""
    from selenium.webdriver.common.keys import Keys

    found = {}
    for query in SEARCHES:
        box = driver.find_element(By.ID, "recherche")
        box.clear()
        box.send_keys(query + Keys.ENTER)
        # The previous page's field goes stale when the new page replaces it
        # between finding the field and reading its value.
        WebDriverWait(driver, 10, ignored_exceptions=(StaleElementReferenceException,)).until(
            lambda d: d.find_elements(By.ID, "recherche-page")
            and d.find_element(By.ID, "recherche-page").get_attribute("value") == query
        )
        found[query] = [
            urllib.parse.urlparse(link.get_attribute("href")).path
            for link in driver.find_elements(By.CSS_SELECTOR, ".results li > a")
        ]
    return found


report = []
with tempfile.TemporaryDirectory() as profile:
    driver = browser(profile)
    driver.set_script_timeout(60)
    try:
        for window, (width, height) in WINDOWS.items():
            driver.set_window_size(width, height)
            for path in paths:
                driver.get(base + path)
                page = {"path": path, "window": window}
                if path.startswith("/sparql"):
                    WebDriverWait(driver, 20).until(
                        lambda d: d.find_elements(By.CSS_SELECTOR, ".yasqe .CodeMirror")
                    )
                    page["rows_shown"], page["rows_expected"] = first_example_rows(driver)
                    with_results = axe_violations(driver)
                    page["tabs_before_new"], page["tabs_after_new"] = new_tab(driver)
                    page["error_shown"] = error_shown(driver, "SELECT * WHERE { ?s ?p }")
                    page["prefix_declared"] = prefix_declared(driver)
                    page["hints_shown"] = hints_shown(
                        driver,
                        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
                        "SELECT ?o WHERE { ?o skos:prefLabel \"Ville de Paris\" }",
                    )
                    with_results += axe_violations(driver)
                    page["terms_completed"] = terms_completed(driver)
                    page["plan_shown"] = plan_shown(
                        driver,
                        "PREFIX ti: <https://w3id.org/territoire-innovant/ontology#>\n"
                        "SELECT ?award WHERE { ?award a ti:Award ; ti:level ?level }",
                    )
                    with_results += axe_violations(driver)
                page["title"] = driver.title
                page["lang"] = driver.find_element(By.TAG_NAME, "html").get_attribute("lang")
                headings = driver.find_elements(By.TAG_NAME, "h1")
                page["h1"] = headings[0].text if headings else ""
                page["scroll_width"] = driver.execute_script(
                    "return document.documentElement.scrollWidth"
                )
                page["width"] = driver.execute_script("return window.innerWidth")
                # Content cut off inside an element: allowed only in a scroll
                # area a reader is told about (a labelled, focusable region),
                # and never for a table of figures, which must fit.
                page["hidden_overflow"] = driver.execute_script(
                    "const cut = [];"
                    "for (const e of document.querySelectorAll('main *')) {"
                    "  if (e.scrollWidth <= e.clientWidth + 1 || e.clientWidth === 0) continue;"
                    "  const style = getComputedStyle(e);"
                    "  if (!['auto', 'scroll', 'hidden'].includes(style.overflowX)) continue;"
                    "  if (e.closest('[role=region][tabindex][aria-label], [role=region][tabindex][aria-labelledby]') ) continue;"
                    "  if (e.closest('.CodeMirror, .yasr, .yasqe, pre, figure.diagram')) continue;"
                    "  cut.push(e.tagName.toLowerCase() + (e.className ? '.' + e.className : '') +"
                    "    ' ' + e.scrollWidth + '>' + e.clientWidth);"
                    "}"
                    "for (const e of document.querySelectorAll('.table-scroll')) {"
                    "  if (e.querySelector('table.figures') && e.scrollWidth > e.clientWidth + 1)"
                    "    cut.push('figures table ' + e.getAttribute('aria-label') + ' ' + e.scrollWidth + '>' + e.clientWidth);"
                    "}"
                    "return cut;"
                )
                # A field's name or a column heading broken inside a word
                # (« Ca/té/go/rie » in a narrow column): each word on one line.
                page["broken_words"] = driver.execute_script(
                    "const broken = [];"
                    "for (const th of document.querySelectorAll('main th')) {"
                    "  const walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);"
                    "  for (let node = walker.nextNode(); node; node = walker.nextNode()) {"
                    "    const text = node.textContent;"
                    "    for (const m of text.matchAll(/[^\\s\\-]+/g)) {"
                    "      const range = document.createRange();"
                    "      range.setStart(node, m.index); range.setEnd(node, m.index + m[0].length);"
                    "      const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));"
                    "      if (tops.size > 1) broken.push(m[0]);"
                    "    }"
                    "  }"
                    "}"
                    "return broken;"
                )
                page["violations"] = axe_violations(driver)
                if path.startswith("/sparql"):
                    page["violations"] += with_results
                page["console_errors"] = console_errors(driver)
                if path == "/":
                    page["map"] = driver.execute_script(
                        "const map = document.querySelector('figure.map svg');"
                        "return map && {paths: map.querySelectorAll('path:not([data-inset])').length,"
                        " links: map.querySelectorAll('a[href] path:not([data-inset])').length,"
                        " width: map.getBoundingClientRect().width};"
                    )
                if window == "desktop" and path == "/":
                    page["searches"] = searches(driver)
                if window == "desktop" and path.startswith("/award/") and not any(
                    "resource_query" in p for p in report
                ):
                    page["resource_query"] = resource_query(driver)
                report.append(page)
    finally:
        driver.quit()
print(json.dumps(report, ensure_ascii=False))
