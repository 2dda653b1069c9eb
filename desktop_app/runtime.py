"""Runtime: builds and wires the engine's concrete objects for one process (CLI or window).

It is the composition root: paths, settings, the active key, HTTP clients, the journal and
its queries, the job service, and in demo mode an in-process simulator. Everything it
opens, `aclose()` closes.
"""

from __future__ import annotations

import logging
import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import httpx

from desktop_app.api.client import ApiClient, default_timeout
from desktop_app.api.secret import ApiKey
from desktop_app.api.tls import new_tls_context
from desktop_app.billing.balance import BalanceWatch
from desktop_app.billing.catalogue import PriceCatalogue
from desktop_app.billing.charges import ChargeFinder
from desktop_app.billing.health import ModelHealth
from desktop_app.billing.spending import Spending
from desktop_app.course.lifecycle import JobLifecycle
from desktop_app.course.recovery import SubmissionRecovery
from desktop_app.domain.base_url import BaseUrl, parse_base_url
from desktop_app.domain.character import Character, Take
from desktop_app.domain.course import CoursePolicy
from desktop_app.domain.job import LOG_HORIZON_S
from desktop_app.domain.prompt import VIDEO
from desktop_app.files import private_dir
from desktop_app.jobs.download import MAX_REDIRECTS, ClipDownloader, read_large_socket_chunks
from desktop_app.jobs.references import ReferenceProbe, keyless_client
from desktop_app.jobs.service import JobService
from desktop_app.journal.errors import storage_error
from desktop_app.journal.job_journal import JobJournal
from desktop_app.journal.queries import HistoryQueries
from desktop_app.logs import SecretRedactor, unsigned
from desktop_app.paths import AppPaths
from desktop_app.resources import resource_dir
from desktop_app.secrets.active_key import ActiveKey
from desktop_app.secrets.keystore import KeyStore
from desktop_app.secrets.storage_keys import StorageKeys
from desktop_app.settings import DEFAULT_BASE_URL, Settings, SettingsFile
from desktop_app.uploads.config import StorageConfig
from desktop_app.uploads.publish import BucketHost, ClipHost, DemoHost, ReferencePreparer
from desktop_app.uploads.thumbnail import thumbnail_png

if TYPE_CHECKING:
    from desktop_app.simulator import Simulator

log = logging.getLogger(__name__)

BASE_URL_ENV = "AIMLAPI_BASE_URL"
DEMO_KEY = "wan-studio-demo"
DEMO_POLL_INTERVAL = 2.0


@dataclass(frozen=True)
class RuntimeOptions:
    home: str | None = None
    base_url: str | None = None
    poll_interval: float | None = None
    demo: bool = False
    keep_trying: bool = False
    """Follows never give up and wait out a refused key (the window); the command line
    stops and reports instead."""
    reconcile_grace: float = LOG_HORIZON_S
    """Seconds after a submission before "not in the request log" means "never received"."""


DEMO_PORT = 47_820
"""The demo simulator's usual port, so that sample links in a saved draft still work after
a restart; any free port when it is taken."""


def demo_simulator(paths: AppPaths) -> Simulator:
    """The simulator of demo mode: clips drawn in the shape asked for, and an account (the
    balance, the ledger) kept in the demo's own folders across restarts."""
    from desktop_app.simulator import Simulator, SimulatorConfig  # demo mode only

    config = SimulatorConfig(
        api_key=DEMO_KEY,
        samples=tuple(sorted(resource_dir().glob("sample-*.mp4"))),
        render_folder=paths.cache / "demo-clips",
        account_file=paths.data / "demo-account.jsonl",
    )
    try:
        simulator = Simulator(config, port=DEMO_PORT)
    except OSError:
        simulator = Simulator(config)
    return simulator.start()


DEMO_CHARACTERS = (
    ("Fractal", "sample-fractal.mp4", "a swirling fractal"),
    ("Red box", "sample-red-box.mp4", "a red box that bounces"),
)


def keep_demo_characters(journal: JobJournal, marker: Path) -> None:
    """Demo mode's two sample characters, kept once per demo home (forgotten ones do not
    come back): clips on this computer, which the simulator serves."""
    if marker.exists():
        return
    for name, clip, note in DEMO_CHARACTERS:
        path = (resource_dir() / clip).resolve()
        take = Take(VIDEO, path.as_uri())
        journal.keep_character(Character(name, (take,), note, thumbnail_png(path)))
    marker.write_text("the sample characters were kept once\n")


def resolve_base_url(flag: str | None, environ: Mapping[str, str], settings: Settings) -> BaseUrl:
    """The API's base URL: the flag, else the environment, else the setting, else the
    real service. An empty value is "not set"."""
    for source, value in (
        ("--base-url", flag),
        (BASE_URL_ENV, environ.get(BASE_URL_ENV)),
        ("The base_url setting", settings.base_url),
    ):
        if value and value.strip():
            return parse_base_url(value, source)
    return BaseUrl(DEFAULT_BASE_URL)


class Runtime:
    def __init__(
        self,
        options: RuntimeOptions,
        environ: Mapping[str, str],
        key_store: KeyStore,
        redactor: SecretRedactor | None = None,
        *,
        tell: Callable[[str], None] = log.warning,
        tls: Callable[[], ssl.SSLContext] | None = None,
    ) -> None:
        """`tell` says a notice once to the person using it (the terminal, the window);
        `tls` gives the TLS context when it is first needed (the window builds it ahead)."""
        self.options = options
        self._tell = tell
        self._make_tls = tls or (lambda: new_tls_context(environ))
        self._redactor = redactor
        self.storage_keys = StorageKeys(key_store.backend, environ)
        self.environ = environ
        base_paths = AppPaths.resolve(options.home, environ)
        self.paths = base_paths.demo() if options.demo else base_paths
        try:
            private_dir(base_paths.config)  # window.ini and settings.json live here
        except OSError as error:
            raise storage_error(error, base_paths.settings_file) from None
        self.settings_file = SettingsFile(base_paths.settings_file)
        self.settings: Settings = self.settings_file.load()
        self.simulator: Simulator | None = demo_simulator(self.paths) if options.demo else None
        self.keys = ActiveKey(
            key_store,
            environ,
            redactor,
            demo_key=ApiKey(DEMO_KEY) if options.demo else None,
        )
        self.journal = JobJournal(
            self.paths.journal, redact=redactor.redact if redactor is not None else unsigned
        )
        self.history = HistoryQueries(self.paths.journal)
        if options.demo:
            keep_demo_characters(self.journal, self.paths.data / "demo-characters-kept")
        self._http_clients: list[httpx.AsyncClient] = []
        self._started = time.time()

    @cached_property
    def api_address(self) -> BaseUrl:
        """The API's base URL in use (the simulator's in demo mode). Raises
        InvalidBaseUrlError for one the key may not travel to, or that is not an API's."""
        if self.simulator is not None:
            return BaseUrl(self.simulator.base_url)
        return resolve_base_url(self.options.base_url, self.environ, self.settings)

    @property
    def base_url(self) -> str:
        return self.api_address.url

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

    @cached_property
    def _tls(self) -> ssl.SSLContext:
        """One TLS context for every client: each costs ~25-40 ms to build (the CA bundle)."""
        return self._make_tls()

    def _http(self, *, follow_redirects: bool = False) -> httpx.AsyncClient:
        http = httpx.AsyncClient(
            timeout=default_timeout(),
            follow_redirects=follow_redirects,
            max_redirects=MAX_REDIRECTS,
            verify=self._tls,
        )
        self._http_clients.append(http)
        return http

    async def verify_key(self, key: ApiKey) -> None:
        """Raises KeyRefusedError when the service refuses `key` (costs nothing)."""
        self.client  # noqa: B018 (refuses a base URL the key may not travel to)
        # With the shared TLS context: a client of its own would read the CA bundle again,
        # ~25-40 ms on the window's thread at each "Check key".
        http = httpx.AsyncClient(timeout=default_timeout(), verify=self._tls)
        client = ApiClient(self.base_url, lambda: key, http=http)
        try:
            await client.verify_key()
        finally:
            await client.aclose()

    def reference_probe(self) -> ReferenceProbe:
        """Checks reference links with a client that carries no key and no cookies."""
        http = keyless_client(default_timeout(), self._tls)
        self._http_clients.append(http)
        return ReferenceProbe(http)

    @cached_property
    def client(self) -> ApiClient:
        """The one client of the API base URL: the only thing that carries the key.
        Raises InvalidBaseUrlError for a base URL that cannot be used."""
        address = self.api_address
        if address.note:
            self._tell(address.note)
        log.info("the API's base URL: %s", address.url)
        return ApiClient(address.url, self.keys, http=self._http())

    @cached_property
    def course(self) -> CoursePolicy:
        """Every timing number of a job's course in this process."""
        options = self.options
        return CoursePolicy.paced(
            self.poll_interval, keep_trying=options.keep_trying, log_horizon=options.reconcile_grace
        )

    @cached_property
    def service(self) -> JobService:
        """The job service, built on first use."""
        # The downloader's client has no key: the CDN and reference hosts never see it.
        read_large_socket_chunks()
        service = JobService(
            self.journal,
            self.client,
            ClipDownloader(self._http(follow_redirects=True), policy=self.course),
            self.library,
            keys=self.keys,
            price=self.catalogue.quote,
            admission=self.spending.admission,
            references=self.references,
            policy=self.course,
            render_times=self.history.render_times,
        )
        self.keys.on_change(service.retry_now)
        return service

    @cached_property
    def references(self) -> ReferencePreparer:
        """Clips from this computer become links: through the creator's storage, or in
        demo mode through the simulator."""
        config = self.storage_config
        problem = config.problem() if config.endpoint else None
        return ReferencePreparer(self._clip_host(), why_none=problem)

    def _clip_host(self) -> ClipHost | None:
        if self.simulator is not None:
            return DemoHost(self.simulator)
        config = self.storage_config
        credentials = self.storage_keys.get() if config.problem() is None else None
        if credentials is None:
            return None
        if self._redactor is not None:
            self._redactor.add(credentials.secret)
        from desktop_app.uploads.bucket import ClipBucket  # the S3 client: storage users only

        return BucketHost(ClipBucket(config, credentials.key_id, credentials.secret))

    @property
    def storage_config(self) -> StorageConfig:
        s = self.settings
        return StorageConfig(
            s.storage_endpoint.strip(), s.storage_bucket.strip(), s.storage_region.strip(),
            s.storage_prefix, s.storage_link_hours,
        )  # fmt: skip

    @cached_property
    def catalogue(self) -> PriceCatalogue:
        return PriceCatalogue(self.client, self.paths.cache / "catalogue.json", self.history)

    @cached_property
    def spending(self) -> Spending:
        return Spending(self.history, self.settings_file, session_start=self._started)

    @cached_property
    def balance(self) -> BalanceWatch:
        return BalanceWatch(self.client)

    @cached_property
    def charges(self) -> ChargeFinder:
        return ChargeFinder(self.client, self.service, self.history, self.course)

    @cached_property
    def recovery(self) -> SubmissionRecovery:
        return SubmissionRecovery(self.client, self.service, self.history, self.course)

    @cached_property
    def lifecycle(self) -> JobLifecycle:
        return JobLifecycle(self.service, self.recovery, self.charges, self.history, self.course)

    @cached_property
    def health(self) -> ModelHealth:
        return ModelHealth(self.client, self.paths.cache / "deprecations.json")

    async def aclose(self) -> None:
        for http in self._http_clients:
            await http.aclose()
        self.history.close()
        self.journal.close()
        if self.simulator is not None:
            self.simulator.stop()
