"""A Spark standalone cluster on this machine, reached by dbt through its Thrift server.

`python -m scripts.spark_cluster start` starts a master, two workers (each its own JVM, with one core
and bounded memory) and the Spark Thrift Server (HiveThriftServer2) submitted to that master as an
application, waits until the Thrift port answers with an executor on each worker, and prints the
ACM_SPARK_THRIFT_* variables the profile's `spark_cluster` target reads
(`eval "$(python -m scripts.spark_cluster start)"`). `status` says what runs; `stop` stops every JVM it
started. Tests use `running_cluster()`, which starts a cluster of their own and always stops it.

Everything comes from the pinned pyspark package: its jars and its `bin/spark-class` and
`bin/spark-submit` launchers (the package ships no `sbin/start-master.sh`, so the daemons are started
by class name, as Spark's own scripts do). Nothing is downloaded; Java 17 must be on the PATH
(`make java`). Every process listens on 127.0.0.1 only (SPARK_LOCAL_IP, and the Thrift server's bind
host), on free ports. Logs, pid files, the workers' scratch folders, the warehouse (parquet) and the
Thrift server's Derby metastore are kept in one folder: target/spark-cluster, or ACM_SPARK_CLUSTER_DIR.
A stopped cluster keeps its warehouse and metastore, so the next `start` serves the same tables.

Each process is the leader of its own process group: a worker's executors are its children, so
stopping the group stops them with it, and a test can kill one worker's JVM alone.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from scripts.project import LOOPBACK, PROJECT_DIR, free_port

CLUSTER_DIR_ENV = "ACM_SPARK_CLUSTER_DIR"
DEFAULT_CLUSTER_DIR = PROJECT_DIR / "target" / "spark-cluster"
THRIFT_HOST_ENV = "ACM_SPARK_THRIFT_HOST"
THRIFT_PORT_ENV = "ACM_SPARK_THRIFT_PORT"
APP_NAME = "acm-thrift-server"
WORKER_COUNT = 2
WORKER_CORES = 1
DAEMON_MEMORY = "256m"  # the master's and the workers' own heaps
START_TIMEOUT_S = 240
STOP_TIMEOUT_S = 30
MASTER_CLASS = "org.apache.spark.deploy.master.Master"
WORKER_CLASS = "org.apache.spark.deploy.worker.Worker"
THRIFT_CLASS = "org.apache.spark.sql.hive.thriftserver.HiveThriftServer2"


@dataclass(frozen=True)
class Size:
    """What the cluster's JVMs may take, and how its statements run.

    SMALL suits the project's build at the suite's few draws: hundreds of statements of a few hundred
    rows each, where interpreting a plan costs less than generating and compiling a Java class for it
    (100-200 ms a statement, on the driver and again on each executor), and a few shuffle partitions
    beat Spark's 200. SIMULATION suits the simulation at 10^5 draws and more (hundreds of millions of
    rows a statement): code generation on, more and smaller shuffle partitions, and most of the machine's
    memory for the executors.
    """

    worker_memory: str  # what a worker offers its executors
    executor_memory: str  # one executor per worker, within its worker's memory
    # the Thrift server: Spark's driver, planning every query (the simulation's plans, a view read several
    # times over, ran a 1 GB driver out of heap)
    driver_memory: str
    shuffle_partitions: int
    whole_stage_codegen: bool
    # The simulation's generated Java methods are longer than the 8,000 bytes of bytecode the JVM compiles
    # by default ("Generated method too long to be JIT compiled"): left interpreted, they run many
    # times slower.
    compile_huge_methods: bool = False
    # The executors' JIT compiler: C1 alone (-XX:TieredStopAtLevel=1) for many short statements, where
    # compiling hot code again with C2 costs the executors more CPU than its faster code saves (the
    # project's build at 200 draws, C1 alone everywhere: the executors took 277 CPU-s rather than 369, the
    # driver 541 rather than 464); C2 for the simulation's long statements, and always for the driver.
    executor_c1_only: bool = False
    # How often the driver looks for finished statements' shuffle files to delete (Spark's default, 30
    # minutes, lets a long run's year-by-year statements pile up their shuffles on disk: tens of GB a
    # statement at 10^6 draws)
    cleaner_interval: str = "30min"


SMALL = Size(
    worker_memory="2g",
    executor_memory="1536m",
    driver_memory="2g",
    shuffle_partitions=2,
    whole_stage_codegen=False,
    executor_c1_only=True,
)
SIMULATION = Size(
    worker_memory="7g",
    executor_memory="6g",
    driver_memory="3g",
    shuffle_partitions=16,
    whole_stage_codegen=True,
    compile_huge_methods=True,
    cleaner_interval="1min",
)


class ClusterError(RuntimeError):
    """The cluster did not start: the message names the process and its log."""


def spark_home() -> Path:
    """The pinned pyspark package's folder: Spark's jars and launchers."""
    spec = importlib.util.find_spec("pyspark")
    if spec is None or spec.origin is None:
        raise ClusterError("pyspark is not installed: run `make setup`.")
    return Path(spec.origin).parent


def cluster_dir() -> Path:
    return Path(os.environ.get(CLUSTER_DIR_ENV, DEFAULT_CLUSTER_DIR)).resolve()


@dataclass
class Cluster:
    """Where a cluster lives, its ports, and the pids of its JVMs (one process group each)."""

    base_dir: Path
    master_port: int
    master_ui_port: int
    worker_ports: list[int]
    worker_ui_ports: list[int]
    thrift_port: int
    thrift_ui_port: int
    pids: dict[str, int] = field(default_factory=dict)

    @classmethod
    def new(cls, base_dir: Path) -> Cluster:
        return cls(
            base_dir=base_dir,
            master_port=free_port(),
            master_ui_port=free_port(),
            worker_ports=[free_port() for _ in range(WORKER_COUNT)],
            worker_ui_ports=[free_port() for _ in range(WORKER_COUNT)],
            thrift_port=free_port(),
            thrift_ui_port=free_port(),
        )

    @property
    def master_url(self) -> str:
        return f"spark://{LOOPBACK}:{self.master_port}"

    @property
    def master_ui(self) -> str:
        return f"http://{LOOPBACK}:{self.master_ui_port}"

    @property
    def thrift_ui(self) -> str:
        return f"http://{LOOPBACK}:{self.thrift_ui_port}"

    @property
    def local_dir(self) -> Path:
        return self.base_dir / "local"

    @property
    def warehouse_dir(self) -> Path:
        return self.base_dir / "warehouse"

    @property
    def logs_dir(self) -> Path:
        return self.base_dir / "logs"

    def log(self, name: str) -> Path:
        return self.logs_dir / f"{name}.log"

    def worker_names(self) -> list[str]:
        return [f"worker-{index + 1}" for index in range(WORKER_COUNT)]

    def env(self) -> dict[str, str]:
        """The variables the profile's spark_cluster target reads."""
        return {THRIFT_HOST_ENV: LOOPBACK, THRIFT_PORT_ENV: str(self.thrift_port)}

    def running(self) -> dict[str, bool]:
        return {name: is_alive(pid) for name, pid in self.pids.items()}

    def master_status(self) -> dict[str, Any]:
        """The master's JSON status (its web UI's /json/): workers, applications, cores in use."""
        return read_json(f"{self.master_ui}/json/")

    def thrift_application(self) -> dict[str, Any] | None:
        apps = [app for app in self.master_status().get("activeapps", []) if app.get("name") == APP_NAME]
        return apps[0] if apps else None

    def executors(self) -> list[dict[str, Any]]:
        """Every executor the Thrift server's application has had, live or lost (Spark's REST API)."""
        app = self.thrift_application()
        if app is None:
            return []
        return read_json(f"{self.thrift_ui}/api/v1/applications/{app['id']}/allexecutors")

    def save(self) -> None:
        state = asdict(self) | {"base_dir": str(self.base_dir)}
        (self.base_dir / "cluster.json").write_text(json.dumps(state, indent=2), encoding="utf-8")
        for name, pid in self.pids.items():
            (self.base_dir / f"{name}.pid").write_text(f"{pid}\n", encoding="utf-8")

    @classmethod
    def saved(cls, base_dir: Path) -> Cluster | None:
        state_file = base_dir / "cluster.json"
        if not state_file.exists():
            return None
        state = json.loads(state_file.read_text(encoding="utf-8"))
        return cls(**(state | {"base_dir": Path(state["base_dir"])}))


def read_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=60) as response:
        return json.load(response)


def is_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a child of this process that has exited but not been waited for is gone too
    try:
        waited, _ = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return waited == 0


def answers(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(1)
        return probe.connect_ex((LOOPBACK, port)) == 0


def launch(cluster: Cluster, name: str, command: list[str], heap: str = DAEMON_MEMORY) -> None:
    """Start one JVM in its own process group (so that it outlives this process), logging to its file."""
    environment = os.environ | {
        "SPARK_HOME": str(spark_home()),
        "SPARK_LOCAL_IP": LOOPBACK,  # every listener and web UI binds to the loopback address only
        # the daemons' heap; Spark's launcher gives it to the Thrift server too, over --driver-memory
        "SPARK_DAEMON_MEMORY": heap,
        "SPARK_LOG_DIR": str(cluster.logs_dir),
        "SPARK_PID_DIR": str(cluster.base_dir),
        # the executors' shuffle and spill files, under the cluster's folder rather than /tmp
        "SPARK_LOCAL_DIRS": str(cluster.local_dir),
        # no REST submission server on its fixed port 6066: nothing is submitted but the Thrift server
        "SPARK_MASTER_OPTS": "-Dspark.master.rest.enabled=false",
    }
    with open(cluster.log(name), "ab") as log:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=environment,
            cwd=cluster.base_dir,
            start_new_session=True,
        )
    cluster.pids[name] = process.pid
    cluster.save()


def wait_for(cluster: Cluster, name: str, what: str, ready) -> None:
    """Wait until ready() holds; fail in one sentence if the process died or time ran out."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if not is_alive(cluster.pids[name]):
            raise ClusterError(f"Spark's {name} exited before {what}: see {cluster.log(name)}.")
        try:
            if ready():
                return
        except OSError:
            pass  # its web UI is not up yet
        time.sleep(0.5)
    raise ClusterError(f"Spark's {name} did not get to {what} within {START_TIMEOUT_S} s: see {cluster.log(name)}.")


def start_master(cluster: Cluster) -> None:
    spark_class = str(spark_home() / "bin" / "spark-class")
    command = [spark_class, MASTER_CLASS, "--host", LOOPBACK, "--port", str(cluster.master_port)]
    launch(cluster, "master", [*command, "--webui-port", str(cluster.master_ui_port)])
    wait_for(cluster, "master", "its web UI answered", lambda: "workers" in cluster.master_status())


def start_workers(cluster: Cluster, size: Size) -> None:
    spark_class = str(spark_home() / "bin" / "spark-class")
    for name, port, ui_port in zip(cluster.worker_names(), cluster.worker_ports, cluster.worker_ui_ports, strict=True):
        work_dir = cluster.base_dir / name
        work_dir.mkdir(exist_ok=True)
        launch(
            cluster,
            name,
            [
                spark_class,
                WORKER_CLASS,
                "--host",
                LOOPBACK,
                "--port",
                str(port),
                "--webui-port",
                str(ui_port),
                "--cores",
                str(WORKER_CORES),
                "--memory",
                size.worker_memory,
                "--work-dir",
                str(work_dir),
                cluster.master_url,
            ],
        )

    def all_registered() -> bool:
        alive = [w for w in cluster.master_status()["workers"] if w["state"] == "ALIVE"]
        return len(alive) == WORKER_COUNT

    for name in cluster.worker_names():
        wait_for(cluster, name, "registering with the master", all_registered)


def thrift_server_command(cluster: Cluster, size: Size) -> list[str]:
    metastore = f"jdbc:derby:;databaseName={cluster.base_dir / 'metastore_db'};create=true"
    settings = {
        "spark.cores.max": str(WORKER_COUNT * WORKER_CORES),
        "spark.executor.cores": str(WORKER_CORES),
        "spark.executor.memory": size.executor_memory,
        "spark.driver.host": LOOPBACK,
        "spark.driver.bindAddress": LOOPBACK,
        "spark.ui.port": str(cluster.thrift_ui_port),
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.warehouse.dir": str(cluster.warehouse_dir),
        "spark.hadoop.javax.jdo.option.ConnectionURL": metastore,
        "spark.sql.shuffle.partitions": str(size.shuffle_partitions),
        "spark.sql.codegen.wholeStage": str(size.whole_stage_codegen).lower(),
        "spark.cleaner.periodicGC.interval": size.cleaner_interval,
    }
    executor_options = [
        *(["-XX:-DontCompileHugeMethods"] if size.compile_huge_methods else []),
        *(["-XX:TieredStopAtLevel=1"] if size.executor_c1_only else []),
    ]
    if executor_options:
        settings["spark.executor.extraJavaOptions"] = " ".join(executor_options)
    command = [
        str(spark_home() / "bin" / "spark-submit"),
        "--master",
        cluster.master_url,
        "--class",
        THRIFT_CLASS,
        "--name",
        APP_NAME,
        # Derby writes derby.log beside the metastore, not into the working directory
        "--driver-java-options",
        f"-Dderby.system.home={cluster.base_dir}",
    ]
    for key, value in settings.items():
        command += ["--conf", f"{key}={value}"]
    hive = {"hive.server2.thrift.port": str(cluster.thrift_port), "hive.server2.thrift.bind.host": LOOPBACK}
    command.append("spark-internal")  # the application is the Thrift server itself, in Spark's own jars
    for key, value in hive.items():
        command += ["--hiveconf", f"{key}={value}"]
    return command


def start_thrift_server(cluster: Cluster, size: Size) -> None:
    launch(cluster, "thrift-server", thrift_server_command(cluster, size), heap=size.driver_memory)
    wait_for(cluster, "thrift-server", "its Thrift port answered", lambda: answers(cluster.thrift_port))

    def executor_on_every_worker() -> bool:
        workers = cluster.master_status()["workers"]
        return sum(w["coresused"] for w in workers) == WORKER_COUNT * WORKER_CORES

    wait_for(cluster, "thrift-server", "an executor on every worker", executor_on_every_worker)


def start_cluster(base_dir: Path, size: Size = SMALL) -> Cluster:
    """Start a new cluster in base_dir; on failure, stop whatever of it started."""
    base_dir.mkdir(parents=True, exist_ok=True)
    cluster = Cluster.new(base_dir)
    cluster.logs_dir.mkdir(exist_ok=True)
    cluster.local_dir.mkdir(exist_ok=True)
    cluster.save()
    try:
        start_master(cluster)
        start_workers(cluster, size)
        start_thrift_server(cluster, size)
    except BaseException:
        stop_cluster(cluster)
        raise
    return cluster


def stop_cluster(cluster: Cluster) -> None:
    """Stop every process group the cluster started (the Thrift server first), and wait for them."""
    for name in reversed(list(cluster.pids)):
        pid = cluster.pids[name]
        signal_group(pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT_S
    for pid in cluster.pids.values():
        while group_alive(pid) and time.monotonic() < deadline:
            reap(pid)
            time.sleep(0.2)
        if group_alive(pid):
            signal_group(pid, signal.SIGKILL)
            while group_alive(pid):
                reap(pid)
                time.sleep(0.1)
        reap(pid)
    for name in cluster.pids:
        (cluster.base_dir / f"{name}.pid").unlink(missing_ok=True)
    (cluster.base_dir / "cluster.json").unlink(missing_ok=True)


def signal_group(pid: int, signum: int) -> None:
    with suppress(ProcessLookupError):
        os.killpg(pid, signum)


def group_alive(pgid: int) -> bool:
    """Whether any process of the group still runs (a zombie child of ours counts as gone)."""
    reap(pgid)
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return any(is_member_running(pid, pgid) for pid in group_members(pgid))


def group_members(pgid: int) -> list[int]:
    members = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == pgid:
                members.append(int(entry.name))
    return members


def is_member_running(pid: int, pgid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def reap(pid: int) -> None:
    """Collect the exit status of a child of this process, if it has exited."""
    with suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


@contextmanager
def running_cluster(base_dir: Path, size: Size = SMALL) -> Iterator[Cluster]:
    """A cluster of its own for the duration of the block, stopped however the block ends."""
    cluster = start_cluster(base_dir, size)
    try:
        yield cluster
    finally:
        stop_cluster(cluster)


def exports(cluster: Cluster) -> str:
    return "".join(f"export {name}={shlex.quote(value)}\n" for name, value in cluster.env().items())


def start() -> int:
    """Start the CLI's cluster (or find it running) and print its exports."""
    base_dir = cluster_dir()
    cluster = Cluster.saved(base_dir)
    if cluster is None or not all(cluster.running().values()) or not answers(cluster.thrift_port):
        stop()  # what a cluster that died, or a machine that restarted, left
        try:
            cluster = start_cluster(base_dir)
        except ClusterError as error:
            print(error, file=sys.stderr)
            return 1
        thrift = f"{LOOPBACK}:{cluster.thrift_port}"
        print(f"# Spark cluster started: master {cluster.master_ui}, Thrift server {thrift}", file=sys.stderr)
        print(f"# logs in {cluster.logs_dir}", file=sys.stderr)
    print(exports(cluster), end="")
    return 0


def status() -> int:
    cluster = Cluster.saved(cluster_dir())
    if cluster is None:
        print("No Spark cluster is running.")
        return 1
    for name, alive in cluster.running().items():
        print(f"{name:<14} pid {cluster.pids[name]:<8} {'running' if alive else 'EXITED'}")
    print(f"master UI      {cluster.master_ui}")
    print(f"Thrift server  {LOOPBACK}:{cluster.thrift_port} ({'answers' if answers(cluster.thrift_port) else 'DOWN'})")
    print(f"logs           {cluster.logs_dir}")
    return 0 if all(cluster.running().values()) else 1


def stop() -> int:
    """Stop the CLI's cluster; its warehouse, metastore and logs stay."""
    cluster = Cluster.saved(cluster_dir())
    if cluster is not None:
        stop_cluster(cluster)
        print(f"# Spark cluster stopped (its tables and logs stay in {cluster.base_dir})", file=sys.stderr)
    return 0


def main(argv: list[str]) -> int:
    commands = {"start": start, "stop": stop, "status": status}
    if len(argv) != 1 or argv[0] not in commands:
        print("usage: python -m scripts.spark_cluster start|stop|status", file=sys.stderr)
        return 2
    return commands[argv[0]]()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
