#!/usr/bin/env bash
# Installs what the build needs on a fresh Debian/Ubuntu machine (JDK 17, Maven, CMake, a C++17
# compiler with OpenMP) when it is missing, then prints the versions found. Safe to run twice.
set -euo pipefail

need=()
command -v java  >/dev/null 2>&1 || need+=(openjdk-17-jdk-headless)
command -v javac >/dev/null 2>&1 || need+=(openjdk-17-jdk-headless)
command -v mvn   >/dev/null 2>&1 || need+=(maven)
command -v cmake >/dev/null 2>&1 || need+=(cmake)
command -v g++   >/dev/null 2>&1 || need+=(g++)
command -v make  >/dev/null 2>&1 || need+=(make)
# Node.js and npm: the openai npm client tests of the server (java/server/client-tests) run in `verify`
command -v node  >/dev/null 2>&1 || need+=(nodejs)
command -v npm   >/dev/null 2>&1 || need+=(npm)

if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing ${need[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${need[@]}"
fi

cmake_version=$(cmake --version | head -1 | awk '{print $3}')
if [ "$(printf '%s\n3.24\n' "$cmake_version" | sort -V | head -1)" != "3.24" ]; then
  echo "setup: CMake $cmake_version is too old; 3.24 or newer is needed" >&2
  exit 1
fi
java_major=$(javac -version 2>&1 | awk '{print $2}' | cut -d. -f1)
if [ "$java_major" -lt 17 ]; then
  echo "setup: javac $java_major found; JDK 17 or newer is needed (set JAVA_HOME)" >&2
  exit 1
fi
echo "setup: java $(javac -version 2>&1 | awk '{print $2}'), $(mvn -B -v 2>/dev/null | head -1 | awk '{print $1" "$2" "$3}'), cmake $cmake_version, $(g++ --version | head -1)"
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "setup: node $(node -v) is too old for the openai client tests; Node.js 20 or newer is needed" \
    "(e.g. from https://deb.nodesource.com or nvm)" >&2
  exit 1
fi
echo "setup: node $(node -v), npm $(npm -v)"
if command -v nvcc >/dev/null 2>&1; then
  echo "setup: nvcc found: CUDA kernels will be compiled (the CUDA backend is linked only where cuBLAS exists)"
fi
