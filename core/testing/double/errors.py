"""Discord JSON errors: ``{"message": ..., "code": ...}`` with real status and error codes."""

from __future__ import annotations

from typing import Any

UNKNOWN_CODES: dict[str, tuple[int, str]] = {
    "channel": (10003, "Unknown Channel"),
    "guild": (10004, "Unknown Guild"),
    "member": (10007, "Unknown Member"),
    "message": (10008, "Unknown Message"),
    "role": (10011, "Unknown Role"),
    "user": (10013, "Unknown User"),
    "ban": (10026, "Unknown Ban"),
    "interaction": (10062, "Unknown interaction"),
    "webhook": (10015, "Unknown Webhook"),
    "command": (10063, "Unknown application command"),
}


class ApiError(Exception):
    """An error the REST layer turns into a Discord-shaped JSON response."""

    def __init__(
        self, status: int, code: int, message: str, errors: dict[str, Any] | None = None
    ) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors

    def body(self) -> dict[str, Any]:
        """The JSON body Discord would send."""
        body: dict[str, Any] = {"message": self.message, "code": self.code}
        if self.errors is not None:
            body["errors"] = self.errors
        return body

    @classmethod
    def unknown(cls, kind: str) -> ApiError:
        """404 for an unknown object kind (``channel``, ``guild``, ``member`` ...)."""
        code, message = UNKNOWN_CODES[kind]
        return cls(404, code, message)

    @classmethod
    def missing_permissions(cls) -> ApiError:
        """403 code 50013."""
        return cls(403, 50013, "Missing Permissions")

    @classmethod
    def missing_access(cls) -> ApiError:
        """403 code 50001."""
        return cls(403, 50001, "Missing Access")

    @classmethod
    def unauthorized(cls) -> ApiError:
        """401 code 0, as sent for a missing or wrong bot token."""
        return cls(401, 0, "401: Unauthorized")

    @classmethod
    def invalid_form(cls, field: str, detail: str, code: str = "BASE_TYPE_INVALID") -> ApiError:
        """400 code 50035 with Discord's nested ``errors`` object for one field."""
        errors = {field: {"_errors": [{"code": code, "message": detail}]}}
        return cls(400, 50035, "Invalid Form Body", errors)

    @classmethod
    def empty_message(cls) -> ApiError:
        """400 code 50006."""
        return cls(400, 50006, "Cannot send an empty message")

    @classmethod
    def already_acknowledged(cls) -> ApiError:
        """400 code 40060."""
        return cls(400, 40060, "Interaction has already been acknowledged.")
