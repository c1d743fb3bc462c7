"""Tell the OpenAPI generator how machine clients authenticate (OAuth2 client credentials)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.api.authentication.BearerTokenAuthentication"
    name = "oauth2ClientCredentials"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        from accounts.scopes import ALL_SCOPES

        return {
            "type": "oauth2",
            "flows": {
                "clientCredentials": {
                    "tokenUrl": "/api/v1/auth/token/",
                    "scopes": {scope: scope for scope in sorted(ALL_SCOPES)},
                }
            },
        }
