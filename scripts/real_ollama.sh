#!/usr/bin/env bash
# A real Ollama server (upstream 0.9.3: Intel's ipex-llm build inside the PyPI wheel
# bigdl-core-cpp) for ollama_lite's real-server tests, on the CPU and on 127.0.0.1 only.
#
#   scripts/real_ollama.sh install   download and prepare the server (idempotent; ~50 s first)
#   scripts/real_ollama.sh up        install, start the main server and a busy one
#                                    (OLLAMA_MAX_QUEUE=1, OLLAMA_NUM_PARALLEL=1), register the
#                                    tiny test models on both, print `export ...` lines
#   scripts/real_ollama.sh down      stop both servers (by the PIDs written at start)
#
# Use: eval "$(scripts/real_ollama.sh up)"; ... ; scripts/real_ollama.sh down
# The exports: OLLAMA_LITE_REAL_HOST and OLLAMA_LITE_REAL_BUSY_HOST (what tests/real reads).
# Files live in $OLLAMA_LITE_REAL_ROOT (default /tmp/ollama-lite-real); logs in servers/*/log.
# Needs python3 (venv, pip with registry access), gcc, and for `up` a Python that imports
# ollama_lite with its tiny-models extra ($PYTHON, default python3).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="${OLLAMA_LITE_REAL_ROOT:-/tmp/ollama-lite-real}"
PYTHON="${PYTHON:-python3}"
WHEEL="bigdl-core-cpp==2.7.0b20260110"
INTEL_RT="2025.0.4"  # the oneAPI runtime the wheel's binaries were linked against
BIN="$ROOT/bin"
RT="$ROOT/runtime"
say() { echo "[real_ollama] $*" >&2; }

install() {
  mkdir -p "$ROOT"
  [ -x "$RT/bin/python" ] || python3 -m venv "$RT"
  local dl="$ROOT/download" jobs=()
  if [ -x "$BIN/ollama-lib" ] && [ -f "$BIN/libggml-sycl.so.gpu" ]; then dl=""; fi
  # The two downloads run side by side (each is mostly waiting on the registry).
  if [ ! -e "$RT/lib/libsycl.so.8" ] || [ ! -e "$RT/lib/libiomp5.so" ] || [ ! -e "$RT/lib/libsvml.so" ]; then
    say "installing the Intel runtime libraries $INTEL_RT (loaded by the binary, never used)"
    "$RT/bin/pip" install -q "intel-cmplr-lib-rt==$INTEL_RT" "intel-openmp==$INTEL_RT" \
      "intel-sycl-rt==$INTEL_RT" >&2 &
    jobs+=($!)
  fi
  if [ -n "$dl" ] && ! ls "$dl"/bigdl_core_cpp-*.whl >/dev/null 2>&1; then
    say "downloading $WHEEL (without its dependencies)"
    "$RT/bin/pip" download -q --no-deps --pre "$WHEEL" -d "$dl" >&2 &
    jobs+=($!)
  fi
  for job in ${jobs[@]+"${jobs[@]}"}; do wait "$job"; done
  [ -n "$dl" ] || return 0
  rm -rf "$BIN" && mkdir -p "$BIN"
  # Only the server and its libraries: bigdl/cpp/libs/ollama/{ollama-lib,*.so}.
  "$RT/bin/python" - "$BIN" "$dl"/bigdl_core_cpp-*.whl <<'PY'
import pathlib, sys, zipfile
target, wheel = pathlib.Path(sys.argv[1]), zipfile.ZipFile(sys.argv[2])
prefix = "bigdl/cpp/libs/ollama/"
for name in wheel.namelist():
    base = name[len(prefix):]
    if name.startswith(prefix) and "/" not in base and (base == "ollama-lib" or base.endswith(".so")):
        (target / base).write_bytes(wheel.read(name))
PY
  chmod +x "$BIN/ollama-lib"
  # The shipped SYCL backend aborts without an Intel GPU; swap in a no-device stand-in so ggml
  # runs on its CPU backend.
  mv "$BIN/libggml-sycl.so" "$BIN/libggml-sycl.so.gpu"
  gcc -shared -fPIC -O2 -o "$BIN/libggml-sycl.so" "$HERE/_cpu_only_sycl.c"
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start NAME [VAR=VALUE...]: start one server (or reuse the live one) and print its URL.
start() {
  local name="$1"; shift
  local dir="$ROOT/servers/$name"
  mkdir -p "$dir/home" "$dir/models"
  if [ -f "$dir/pid" ] && kill -0 "$(cat "$dir/pid")" 2>/dev/null && [ -f "$dir/url" ]; then
    say "$name: already running (pid $(cat "$dir/pid")) at $(cat "$dir/url")"
    cat "$dir/url"; return
  fi
  local url="http://127.0.0.1:$(free_port)"
  # The proxy variables point at a closed local port: a pull, a push or a create `from` an
  # unknown name fails at once, and nothing ever leaves 127.0.0.1 (no DNS lookup either).
  # Never remove them. HOME keeps the server's key pair inside $dir.
  (cd "$dir" && exec env HOME="$dir/home" OLLAMA_MODELS="$dir/models" OLLAMA_HOST="$url" \
    LD_LIBRARY_PATH="$BIN:$RT/lib" OLLAMA_NUM_GPU=0 OLLAMA_INTEL_GPU=false \
    OLLAMA_KEEP_ALIVE="${OLLAMA_KEEP_ALIVE:-30m}" \
    HTTPS_PROXY=http://127.0.0.1:9 HTTP_PROXY=http://127.0.0.1:9 \
    https_proxy=http://127.0.0.1:9 http_proxy=http://127.0.0.1:9 \
    ALL_PROXY=http://127.0.0.1:9 all_proxy=http://127.0.0.1:9 \
    NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost \
    "$@" nohup "$BIN/ollama-lib" serve >"$dir/log" 2>&1 </dev/null) &
  echo $! >"$dir/pid"
  for _ in $(seq 1 150); do
    if python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1] + "/api/version", timeout=1)' "$url" 2>/dev/null; then
      echo "$url" >"$dir/url"; say "$name: up at $url (pid $(cat "$dir/pid"))"; echo "$url"; return
    fi
    kill -0 "$(cat "$dir/pid")" 2>/dev/null || break
    sleep 0.1
  done
  say "$name: no answer at $url; last lines of $dir/log:"; tail -20 "$dir/log" >&2
  return 1
}

stop() {
  local dir="$ROOT/servers/$1"
  [ -f "$dir/pid" ] || return 0
  local pid; pid="$(cat "$dir/pid")"
  if kill -0 "$pid" 2>/dev/null; then
    for child in $(pgrep -P "$pid" 2>/dev/null); do kill "$child" 2>/dev/null || true; done
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; fi
    say "$1: stopped (pid $pid)"
  fi
  rm -f "$dir/pid" "$dir/url"
}

case "${1:-}" in
  install) install ;;
  up)
    install
    main_url="$(start main)"
    busy_url="$(start busy OLLAMA_MAX_QUEUE=1 OLLAMA_NUM_PARALLEL=1)"
    "$PYTHON" -m ollama_lite.testing.tiny_models --host "$main_url" --host "$busy_url" \
      --chat llama3.2 --thinking qwen3 --endless tiny-endless \
      --embedding nomic-embed-text --embedding all-minilm >&2
    echo "export OLLAMA_LITE_REAL_HOST=$main_url"
    echo "export OLLAMA_LITE_REAL_BUSY_HOST=$busy_url"
    ;;
  down) stop main; stop busy ;;
  *) echo "usage: $0 install|up|down" >&2; exit 2 ;;
esac
