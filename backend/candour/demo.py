"""The demo conversation that ``make run`` loads once in development.

Accounts are created through the identity domain's import (there is no API to set a
password without an emailed link); everything else goes through the public API, in process,
as a real client would.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import select

from candour.core.database import create_engine, create_sessionmaker
from candour.core.security import hash_password
from candour.core.settings import Settings
from candour.identity.importing import import_participants
from candour.identity.models import Account

DEMO_DOMAIN = "demo.candour.example"
DEMO_CONVERSATION = "Our hospital, our say (demo)"
DEMO_INTRODUCTION = (
    "This is a safe, anonymous space to say what would make this hospital a better place to "
    "work and to be cared for. Nothing you post or vote is ever shown with your name. The "
    "conversation is open day and night for three weeks; independent facilitators read "
    "everything and write up the main themes."
)
SECTIONS = {
    "Staffing and workload": [
        (
            "Cover breaks on night shifts",
            "Nights often run with nobody free to cover breaks. A floating nurse per floor "
            "would help.",
        ),
        (
            "Stop last-minute rota changes",
            "Rotas change with less than a week's notice. Publish them six weeks ahead.",
        ),
    ],
    "Wellbeing and support": [
        (
            "A quiet room on every ward",
            "Somewhere to sit for ten minutes after a difficult shift would make a difference.",
        ),
        ("Hot food at night", "The canteen closes at 8pm. Night staff live on vending machines."),
    ],
    "Training and development": [
        (
            "Protected time for training",
            "Mandatory training is done on our days off. It should be in paid hours.",
        ),
    ],
    "Car parking and travel": [
        ("Staff parking by shift", "Spaces fill by 7:30am and late-shift staff park a mile away."),
        ("Secure bike storage", "More of us would cycle if bikes were not stolen from the racks."),
    ],
    "Equipment and IT": [
        (
            "One login for every system",
            "We sign in to six systems per patient. Single sign-on would give back hours.",
        ),
    ],
}
PAGES = {
    "faq": (
        "Frequently asked questions",
        "<h2>Is it really anonymous?</h2><p>Yes. Your name is never shown with anything you "
        "post or vote, to anyone, including the facilitators and the trust.</p><h2>Who reads "
        "what I write?</h2><p>Everyone taking part can read the ideas and comments. An "
        "independent facilitation team moderates and writes the summary report.</p>",
    ),
    "privacy": (
        "Privacy notice",
        "<p>We use your email address only to let you sign in and, if you ever need it, to "
        "pass on a message from the facilitators. All personal data is deleted thirty days "
        "after the conversation is complete.</p>",
    ),
    "support": (
        "Support services",
        "<p>If anything here has upset you, help is available:</p><ul><li>Staff wellbeing "
        "service: extension 4357</li><li>Chaplaincy, 24 hours: extension 2222</li><li>"
        '<a href="tel:116123">Samaritans: 116 123</a></li></ul>',
    ),
}


@dataclass(frozen=True)
class DemoAccount:
    role: str
    email: str
    password: str


DEMO_ACCOUNTS = [
    DemoAccount(role, f"{role}@{DEMO_DOMAIN}", f"demo-{role}-password")
    for role in ("admin", "facilitator", "sponsor", "participant")
] + [
    DemoAccount("participant", f"participant{n}@{DEMO_DOMAIN}", f"demo-participant{n}-password")
    for n in range(2, 6)
]


async def load_demo(settings: Settings) -> list[DemoAccount]:
    """Create the demo conversation and accounts unless they exist; return the accounts."""
    assert settings.connection_url is not None
    engine = create_engine(settings, settings.connection_url)
    try:
        async with create_sessionmaker(engine)() as session, session.begin():
            if await session.scalar(
                select(Account.id).where(Account.email == DEMO_ACCOUNTS[0].email)
            ):
                return DEMO_ACCOUNTS
            rows = "\n".join(f"{a.email},{a.role},Demo {a.role.title()}" for a in DEMO_ACCOUNTS)
            await import_participants(
                session,
                settings,
                csv_text="email,role,name\n" + rows,
                conversation_id=None,
                send_invitations=False,
            )
            for demo in DEMO_ACCOUNTS:
                account = await session.scalar(select(Account).where(Account.email == demo.email))
                assert account is not None
                account.password_hash = hash_password(demo.password)
        await _load_conversation(settings)
        return DEMO_ACCOUNTS
    finally:
        await engine.dispose()


async def _load_conversation(settings: Settings) -> None:
    from candour.app import create_app

    app = create_app(
        settings.model_copy(update={"run_outbox_worker": False, "auth_min_response_ms": 0})
    )
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="https://demo.invalid"
        ) as api,
    ):

        async def sign_in(account: DemoAccount) -> dict[str, str]:
            response = await api.post(
                "/api/auth/login", json={"email": account.email, "password": account.password}
            )
            response.raise_for_status()
            return {"Authorization": f"Bearer {response.json()['access_token']}"}

        admin = await sign_in(DEMO_ACCOUNTS[0])
        now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
        conversation = await api.post(
            "/api/conversations",
            json={
                "title": DEMO_CONVERSATION,
                "introduction": DEMO_INTRODUCTION,
                "opens_at": (now - timedelta(days=1)).isoformat(),
                "closes_at": (now + timedelta(days=20)).isoformat(),
                "time_zone": "Europe/London",
            },
            headers=admin,
        )
        conversation.raise_for_status()
        base = f"/api/conversations/{conversation.json()['id']}"
        participants = "email\n" + "\n".join(a.email for a in DEMO_ACCOUNTS)
        enrolled = await api.post(
            "/api/admin/participants/import",
            json={
                "csv": participants,
                "conversation_id": conversation.json()["id"],
                "send_invitations": False,
            },
            headers=admin,
        )
        enrolled.raise_for_status()
        facilitator = await sign_in(DEMO_ACCOUNTS[1])
        for kind, (title, body) in PAGES.items():
            (
                await api.put(
                    f"{base}/pages/{kind}",
                    json={"title": title, "body_html": body},
                    headers=facilitator,
                )
            ).raise_for_status()
        voters = [await sign_in(a) for a in DEMO_ACCOUNTS if a.role == "participant"]
        posted = 0
        for section_title, ideas in SECTIONS.items():
            section = await api.post(
                f"{base}/sections", json={"title": section_title}, headers=admin
            )
            section.raise_for_status()
            for title, body in ideas:
                author = voters[posted % len(voters)]
                idea = await api.post(
                    f"{base}/ideas",
                    json={"section_id": section.json()["id"], "title": title, "body": body},
                    headers=author,
                )
                idea.raise_for_status()
                idea_url = f"{base}/ideas/{idea.json()['id']}"
                for n, voter in enumerate(voters):
                    vote = "dislike" if (n + posted) % 4 == 0 else "like"
                    if (n * 3 + posted) % 5:
                        await api.put(f"{idea_url}/vote", json={"vote": vote}, headers=voter)
                if posted % 2 == 0:
                    await api.post(
                        f"{idea_url}/comments",
                        json={"body": "Yes, this happens on our ward too."},
                        headers=voters[(posted + 1) % len(voters)],
                    )
                posted += 1


def print_demo_accounts(accounts: list[DemoAccount], settings: Settings) -> None:
    print("\nDemo accounts (development only; sign in at the address below):", flush=True)
    for account in accounts:
        print(f"  {account.role:<12} {account.email:<36} password: {account.password}")
    print(f"Mail is written to {settings.resolved_mail_dir} unless CANDOUR_SMTP_HOST is set.")
