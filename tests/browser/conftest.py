"""Fixtures for the browser tests: the app served for real by uvicorn, Debian's Chromium
driven by Playwright, and data seeded through the real API.

The live server lives only while this package's tests run: its outbox worker would
otherwise deliver mail that other tests put in the shared database.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import Message
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Browser, BrowserContext, Page, async_playwright, expect

from candour.core.security import hash_password
from tests.support.smtp import SmtpServer, free_port

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = os.environ.get("CANDOUR_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 740}
PASSWORD = "correct horse battery staple"
_LINK = re.compile(r"\S+/#/set-password\?token=[A-Za-z0-9_\-]+")


@dataclass(frozen=True)
class LiveServer:
    url: str


@pytest.fixture(scope="package")
def live_server(
    database_url: str, smtp_server: SmtpServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """``uvicorn candour.app:create_app`` on a free loopback port, with its outbox worker
    sending to the test SMTP server."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    folder = tmp_path_factory.mktemp("live-server")
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CANDOUR_ENVIRONMENT": "test",
        "CANDOUR_SMTP_HOST": smtp_server.host,
        "CANDOUR_SMTP_PORT": str(smtp_server.port),
        "CANDOUR_OUTBOX_POLL_SECONDS": "0.2",
        "CANDOUR_OUTBOX_BACKOFF_SECONDS": "0",
        "CANDOUR_AUTH_MIN_RESPONSE_MS": "0",
        "CANDOUR_PUBLIC_URL": url,
        "CANDOUR_DATA_DIR": str(folder),
        # The live feed reads its digest this often: changes reach open pages in a moment.
        "CANDOUR_LIVE_POLL_SECONDS": "0.3",
    }
    log_path = folder / "server.log"
    command = [sys.executable, "-m", "uvicorn", "candour.app:create_app", "--factory"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--no-access-log"]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                pytest.fail(f"the live server stopped:\n{log_path.read_text()}")
            try:
                if httpx.get(f"{url}/api/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the live server did not answer in 30 s:\n{log_path.read_text()}")
            time.sleep(0.1)
        yield LiveServer(url)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="package")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield chromium
        finally:
            await chromium.close()


class PageProblems:
    """Script errors and Content-Security-Policy refusals seen while a test ran."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def watch(self, page: Page) -> None:
        page.on("pageerror", lambda error: self.items.append(f"script error: {error}"))
        page.on(
            "console",
            lambda message: (
                self.items.append(f"console: {message.text}")
                if message.type == "error" and "Failed to load resource" not in message.text
                else None
            ),
        )


@pytest.fixture
async def context(
    browser: Browser, live_server: LiveServer, db: asyncpg.Connection
) -> AsyncIterator[BrowserContext]:
    """A fresh browser profile (no cookies) per test; the ``db`` fixture empties the tables
    afterwards, so tests do not depend on each other."""
    problems = PageProblems()
    browser_context = await browser.new_context(
        base_url=live_server.url, viewport=DESKTOP, locale="en-GB"
    )
    browser_context.set_default_timeout(10_000)
    browser_context.on("page", problems.watch)
    try:
        yield browser_context
    finally:
        await browser_context.close()
    assert problems.items == [], "the page reported problems"


@pytest.fixture
async def page(context: BrowserContext) -> Page:
    return await context.new_page()


# --- seeding through the API -------------------------------------------------------------


@dataclass
class Seeder:
    """Makes test data the way an admin would: through the live server's API."""

    http: httpx.AsyncClient
    db: asyncpg.Connection
    admin_token: str = ""
    admin_email: str = ""

    async def admin(self) -> str:
        """The first admin has to exist before the API can be used: insert them, then sign in."""
        if not self.admin_token:
            email = self.admin_email = f"admin-{uuid.uuid4().hex[:8]}@trust.example"
            await self.db.execute(
                "INSERT INTO accounts (id, email, role, attributes, password_hash, token_version,"
                " created_at) VALUES ($1, $2, 'admin', '{}'::jsonb, $3, 0, now())",
                uuid.uuid4(),
                email,
                hash_password(PASSWORD),
            )
            session = await self.call(
                "POST", "/api/auth/login", {"email": email, "password": PASSWORD}
            )
            self.admin_token = session["access_token"]
        return self.admin_token

    async def call(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        *,
        token: str | None = None,
    ) -> Any:
        """Call the API as the admin, or as whoever ``token`` belongs to."""
        token = self.admin_token if token is None else token
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = await self.http.request(method, path, json=body, headers=headers)
        assert response.is_success, f"{method} {path}: {response.status_code} {response.text}"
        return response.json() if response.content else None

    async def conversation(
        self,
        *,
        title: str = "Making our hospital a better place to work",
        introduction: str = (
            "Tell us what would make the biggest difference to your working day.\n\n"
            "Everything you post is anonymous."
        ),
        open_now: bool = True,
    ) -> dict[str, Any]:
        await self.admin()
        now = datetime.now(UTC).replace(microsecond=0)
        opens = now - timedelta(days=2) if open_now else now + timedelta(days=2)
        result: dict[str, Any] = await self.call(
            "POST",
            "/api/conversations",
            {
                "title": title,
                "introduction": introduction,
                "opens_at": opens.isoformat(),
                "closes_at": (opens + timedelta(days=21)).isoformat(),
                "time_zone": "Europe/London",
            },
        )
        return result

    async def participant(
        self,
        conversation_id: str | None,
        *,
        email: str | None = None,
        password: str | None = PASSWORD,
        invite: bool = False,
        role: str = "participant",
        name: str = "Test Person",
    ) -> str:
        """Import one person (as the admin would, from CSV). With ``password``, they are
        given it directly, as if they had already used their link."""
        await self.admin()
        email = email or f"staff-{uuid.uuid4().hex[:8]}@trust.example"
        body: dict[str, Any] = {
            "csv": f"email,name,staff_group,role\n{email},{name},Nursing,{role}\n",
            "send_invitations": invite,
        }
        if conversation_id:
            body["conversation_id"] = conversation_id
        await self.call("POST", "/api/admin/participants/import", body)
        if password is not None:
            await self.db.execute(
                "UPDATE accounts SET password_hash = $1 WHERE email = $2",
                hash_password(password),
                email,
            )
        return email

    async def token(self, email: str) -> str:
        """A bearer token for someone seeded with the usual password."""
        session = await self.call(
            "POST", "/api/auth/login", {"email": email, "password": PASSWORD}, token=""
        )
        token: str = session["access_token"]
        return token

    async def voter(self, conversation_id: str) -> str:
        """A new participant in the conversation, signed in: their bearer token."""
        return await self.token(await self.participant(conversation_id))

    async def section(
        self, conversation_id: str, title: str, description: str = ""
    ) -> dict[str, Any]:
        result: dict[str, Any] = await self.call(
            "POST",
            f"/api/conversations/{conversation_id}/sections",
            {"title": title, "description": description},
        )
        return result

    async def page(self, conversation_id: str, kind: str, title: str, body_html: str) -> None:
        await self.call(
            "PUT",
            f"/api/conversations/{conversation_id}/pages/{kind}",
            {"title": title, "body_html": body_html},
        )

    async def idea(
        self, token: str, conversation_id: str, section_id: str, title: str, body: str
    ) -> dict[str, Any]:
        result: dict[str, Any] = await self.call(
            "POST",
            f"/api/conversations/{conversation_id}/ideas",
            {"section_id": section_id, "title": title, "body": body},
            token=token,
        )
        return result

    async def backdate(self, table: str, row_id: str, hours: int) -> None:
        """Move a post ``hours`` back in time. Within one hour, lists show posts in no
        particular order; a test that needs an order spreads its posts over hours."""
        assert table in ("ideas", "comments")
        await self.db.execute(
            f"UPDATE {table} SET created_at = created_at - make_interval(hours => $1)"
            " WHERE id = $2",
            hours,
            uuid.UUID(row_id),
        )

    async def comment(
        self,
        token: str,
        conversation_id: str,
        idea_id: str,
        body: str,
        parent_id: str | None = None,
    ) -> dict[str, Any]:
        result: dict[str, Any] = await self.call(
            "POST",
            f"/api/conversations/{conversation_id}/ideas/{idea_id}/comments",
            {"body": body, "parent_id": parent_id},
            token=token,
        )
        return result

    async def vote(self, token: str, conversation_id: str, idea_id: str, vote: str) -> None:
        await self.call(
            "PUT",
            f"/api/conversations/{conversation_id}/ideas/{idea_id}/vote",
            {"vote": vote},
            token=token,
        )

    async def close(self, conversation_id: str) -> None:
        """End the conversation's window an hour ago: it becomes read-only."""
        now = datetime.now(UTC).replace(microsecond=0)
        await self.call(
            "PATCH",
            f"/api/conversations/{conversation_id}",
            {
                "opens_at": (now - timedelta(days=3)).isoformat(),
                "closes_at": (now - timedelta(hours=1)).isoformat(),
            },
        )


@pytest.fixture
async def seed(live_server: LiveServer, db: asyncpg.Connection) -> AsyncIterator[Seeder]:
    async with httpx.AsyncClient(base_url=live_server.url, timeout=10) as http:
        yield Seeder(http=http, db=db)


# --- helpers the tests share -------------------------------------------------------------


async def wait_for_email(smtp_server: SmtpServer, address: str, seconds: float = 10) -> Message:
    """The first message to ``address``, once the live server's outbox has delivered it."""
    for _ in range(int(seconds * 10)):
        if messages := smtp_server.to(address):
            return messages[0]
        await asyncio.sleep(0.1)
    pytest.fail(f"no email reached {address} within {seconds} s")


def link_in(message: Message) -> str:
    """The sign-in link in an email's plain-text body."""
    part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    found = _LINK.search(payload.decode(part.get_content_charset() or "utf-8"))
    assert found, "the email holds no sign-in link"
    return found.group(0)


async def sign_in(page: Page, email: str, password: str = PASSWORD) -> None:
    await page.goto("/#/sign-in")
    await page.get_by_label("Email address").fill(email)
    await page.get_by_label("Password", exact=True).fill(password)
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url(re.compile(r"#/$"))
    # The address changes before the home page has loaded: wait for its heading.
    await expect(page.get_by_role("heading", level=1)).not_to_have_text("Sign in")
    await expect(page.locator("main[aria-busy]")).to_have_count(0)


async def sign_in_as(page: Page, email: str) -> None:
    """Sign whoever is using ``page`` out (by forgetting the cookies) and sign ``email`` in."""
    await page.context.clear_cookies()
    await page.goto("about:blank")  # a fresh load: the SPA forgets who was signed in
    await sign_in(page, email)


async def serious_accessibility_violations(page: Page) -> list[str]:
    """axe-core's serious and critical findings on the page as it is now."""
    results = await Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + json.dumps([node["target"] for node in v["nodes"]][:5])
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


async def has_horizontal_scroll(page: Page) -> bool:
    scroll_width, client_width = await page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    return bool(scroll_width > client_width)


async def screenshot(page: Page, name: str) -> None:
    """A full-page PNG in test-artifacts/screenshots/, for people to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.mouse.move(0, 0)  # no hover styles in the picture
    await page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
