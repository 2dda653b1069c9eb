"""Runtime: builds and wires the engine's concrete objects for one process (CLI or window).

It is the composition root: paths, settings, key, HTTP clients, journal, engine, and in
demo mode an in-process simulator. Everything it opens, `aclose()` closes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import httpx

from desktop_app.api.client import ApiClient, default_timeout
from desktop_app.api.secret import ApiKey
from desktop_app.jobs.download import ClipDownloader
from desktop_app.jobs.engine import FollowSettings, JobEngine, Listener
from desktop_app.jobs.references import ReferenceProbe
from desktop_app.logs import SecretRedactor
from desktop_app.paths import AppPaths
from desktop_app.resources import resource_dir
from desktop_app.secrets.keystore import KeyringUnavailableError, KeyStore
from desktop_app.settings import Settings, SettingsFile
from desktop_app.simulator import Simulator, SimulatorConfig
from desktop_app.store.journal import JobJournal

BASE_URL_ENV = "AIMLAPI_BASE_URL"
DEMO_KEY = "demo"
DEMO_POLL_INTERVAL = 2.0


_DEMO_HINT = (
    "Keys are made at https://aimlapi.com/app/keys. To try Wan Studio without one, add --demo."
)


class MissingKeyError(RuntimeError):
    pass


@dataclass(frozen=True)
class RuntimeOptions:
    home: str | None = None
    base_url: str | None = None
    poll_interval: float | None = None
    demo: bool = False


def demo_simulator() -> Simulator:
    samples = tuple(sorted(resource_dir().glob("sample-*.mp4")))
    return Simulator(SimulatorConfig(api_key=DEMO_KEY, samples=samples)).start()


class Runtime:
    def __init__(
        self,
        options: RuntimeOptions,
        environ: Mapping[str, str],
        key_store: KeyStore,
        redactor: SecretRedactor | None = None,
    ) -> None:
        self.options = options
        self.environ = environ
        self.key_store = key_store
        self._redactor = redactor
        base_paths = AppPaths.resolve(options.home, environ)
        self.paths = base_paths.demo() if options.demo else base_paths
        self.settings_file = SettingsFile(base_paths.settings_file)
        self.settings: Settings = self.settings_file.load()
        self.simulator: Simulator | None = demo_simulator() if options.demo else None
        self.journal = JobJournal(self.paths.journal)
        self._engine: JobEngine | None = None
        self._session_key: ApiKey | None = None
        self._clients: list[ApiClient | ClipDownloader] = []
        self._http_clients: list[httpx.AsyncClient] = []

    @property
    def base_url(self) -> str:
        if self.simulator is not None:
            return self.simulator.base_url
        return (
            self.options.base_url or self.environ.get(BASE_URL_ENV) or self.settings.base_url
        ).rstrip("/")

    @property
    def library(self) -> Path:
        if self.settings.library and not self.options.demo:
            return Path(self.settings.library).expanduser()
        return self.paths.default_library

    @property
    def poll_interval(self) -> float:
        if self.options.poll_interval is not None:
            return self.options.poll_interval
        return DEMO_POLL_INTERVAL if self.options.demo else self.settings.poll_interval

    def api_key(self) -> ApiKey:
        """The key to send; raises MissingKeyError (with what to do) when there is none."""
        if self.simulator is not None:
            return ApiKey(DEMO_KEY)
        if self._session_key is not None:
            return self._session_key
        try:
            key = self.key_store.get()
        except KeyringUnavailableError as error:
            raise MissingKeyError(f"No API key is set. {error} {_DEMO_HINT}") from None
        if key is None:
            raise MissingKeyError(
                "No API key is set. Store one with `wan-studio key set`, or set the "
                f"AIMLAPI_KEY environment variable. {_DEMO_HINT}"
            )
        if self._redactor is not None:
            self._redactor.add(key.reveal())
        return key

    def use_session_key(self, key: ApiKey) -> None:
        """Use this key until the process ends, without storing it (no working keyring)."""
        self._session_key = key
        if self._redactor is not None:
            self._redactor.add(key.reveal())

    async def verify_key(self, key: ApiKey) -> None:
        """Raises KeyRefusedError when the service refuses `key` (costs nothing)."""
        client = ApiClient(self.base_url, key)
        try:
            await client.verify_key()
        finally:
            await client.aclose()

    def reference_probe(self) -> ReferenceProbe:
        """Checks reference links with a client that carries no key."""
        http = httpx.AsyncClient(timeout=default_timeout(), follow_redirects=True)
        self._http_clients.append(http)
        return ReferenceProbe(http)

    def engine(self, listener: Listener | None = None) -> JobEngine:
        """The engine, built on first use (it needs the key)."""
        if self._engine is None:
            client = ApiClient(self.base_url, self.api_key())
            # The downloader's client has no key: the CDN and reference hosts never see it.
            downloader = ClipDownloader(
                httpx.AsyncClient(timeout=default_timeout(), follow_redirects=True)
            )
            self._clients += [client, downloader]
            self._engine = JobEngine(
                self.journal,
                client,
                downloader,
                self.library,
                settings=FollowSettings(
                    poll_interval=self.poll_interval,
                    first_poll_delay=min(5.0, self.poll_interval),
                ),
                listener=listener,
            )
        return self._engine

    async def aclose(self) -> None:
        for client in self._clients:
            await client.aclose()
        for http in self._http_clients:
            await http.aclose()
        self.journal.close()
        if self.simulator is not None:
            self.simulator.stop()
