"""TLS as amtool sets it up from ``tls_config``: the system's roots or only ``ca_file``'s,
``server_name`` for SNI and verification (Go's ``tls.Config.ServerName``), a client certificate,
``insecure_skip_verify``, and TLS 1.2 at least unless ``min_version`` says otherwise."""

from __future__ import annotations

import functools

from oncall_policy.silence.http_config import HttpConfig, HttpConfigError
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    import http.client
    import ssl
    from collections.abc import Callable

    Connect = Callable[[str, int, float, ssl.SSLContext, str | None], http.client.HTTPSConnection]


def context(config: HttpConfig | None) -> ssl.SSLContext:
    """The TLS settings amtool uses; raise ``HttpConfigError`` as amtool fails to create its
    client (``unable to load specified CA cert …``)."""
    import ssl  # noqa: PLC0415 - only for https

    tls = config.tls if config is not None else None
    try:
        made = ssl.create_default_context(cafile=(tls.ca_file or None) if tls is not None else None)
    except (OSError, ssl.SSLError) as error:
        file = tls.ca_file if tls else ""
        raise HttpConfigError(f"unable to load specified CA cert {file}: {error}") from None
    made.minimum_version = ssl.TLSVersion.TLSv1_2
    if tls is None:
        return made
    if tls.insecure_skip_verify:
        made.check_hostname = False
        made.verify_mode = ssl.CERT_NONE
    versions = {"TLS10": "TLSv1", "TLS11": "TLSv1_1", "TLS12": "TLSv1_2", "TLS13": "TLSv1_3"}
    if tls.min_version and tls.max_version and tls.max_version < tls.min_version:
        raise HttpConfigError(
            "tls_config.max_version must be greater than or equal to tls_config.min_version "
            "if both are specified"
        )
    if tls.min_version:
        made.minimum_version = ssl.TLSVersion[versions[tls.min_version]]
    if tls.max_version:
        made.maximum_version = ssl.TLSVersion[versions[tls.max_version]]
    _client_certificate(made, tls.cert_file, tls.key_file)
    return made


def _client_certificate(made: ssl.SSLContext, cert_file: str, key_file: str) -> None:
    import ssl  # noqa: PLC0415

    if cert_file and not key_file:
        raise HttpConfigError(f'client cert file "{cert_file}" specified without client key file')
    if key_file and not cert_file:
        raise HttpConfigError(f'client key file "{key_file}" specified without client cert file')
    if cert_file:
        try:
            made.load_cert_chain(cert_file, key_file)
        except (OSError, ssl.SSLError) as error:
            raise HttpConfigError(
                f"unable to use specified client cert ({cert_file}) & key ({key_file}): {error}"
            ) from None


@functools.cache
def https_connection() -> Connect:
    """The connection class, made once, when first needed: ``http.client`` only when talking."""
    import http.client  # noqa: PLC0415

    class HTTPSConnection(http.client.HTTPSConnection):
        """Verifies (and names in SNI) ``server_name`` when given, as Go's ``tls.Config.ServerName``."""

        def __init__(
            self, host: str, port: int, timeout: float, made: ssl.SSLContext, server_name: str | None
        ) -> None:
            super().__init__(host, port, timeout=timeout, context=made)
            self.made = made
            self.server_name = server_name

        def connect(self) -> None:
            http.client.HTTPConnection.connect(self)
            tunnel: str | None = getattr(self, "_tunnel_host", None)
            self.sock = self.made.wrap_socket(
                self.sock, server_hostname=self.server_name or tunnel or self.host
            )

    return HTTPSConnection
