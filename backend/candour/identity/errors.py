from __future__ import annotations

from candour.core.errors import DomainError, NotAuthenticated


class InvalidCredentials(NotAuthenticated):
    code, title = "invalid_credentials", "Sign-in refused"
    # The failure it records must survive the rollback of the refused request.
    keeps_changes = True


class InvalidSignInLink(DomainError):
    status, code, title = 400, "invalid_sign_in_link", "Sign-in link not valid"


class WeakPassword(DomainError):
    status, code, title = 422, "weak_password", "Password too weak"


class ImportRejected(DomainError):
    status, code, title = 422, "import_rejected", "Import refused"


class RateLimited(DomainError):
    status, code, title = 429, "rate_limited", "Slow down"


class SignInThrottled(DomainError):
    status, code, title = 429, "sign_in_throttled", "Too many failed sign-ins"
