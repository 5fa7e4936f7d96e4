#!/usr/bin/env bash
# Prints the command line that runs the neuro build at PATH (from tools/bench/build-neuro.sh):
# "dotnet PATH" for neuro.dll, PATH itself for a NativeAOT executable. Usage: tools/bench/neuro-command.sh PATH
case $1 in
  *.dll) echo "dotnet $1" ;;
  *) echo "$1" ;;
esac
