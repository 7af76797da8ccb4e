#!/usr/bin/env bash
# The packages as a user gets them: pack the library and the tool into a local feed, install the
# tool from it into a folder of its own, run it from an empty directory (its shipped profiles, the
# sample's scenario project, which the tool builds), and build and test the sample against the
# feed by version.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
feed=$work/feed
tools=$work/tools
empty=$work/empty
mkdir -p "$empty"
version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$root/Directory.Build.props" | head -1)

echo "package check: pack $version"
# The test command has just built the solution in Release: it says so, and the pack reuses that build.
dotnet pack "$root/Simulator.sln" -c Release -o "$feed" --nologo -v q ${PACKAGE_CHECK_NO_BUILD:+--no-build}
dotnet tool install NrfFleet.Simulator.Tool --version "$version" --tool-path "$tools" --add-source "$feed" >/dev/null

cd "$empty"
echo "package check: the installed tool lists its shipped profiles from an empty directory"
"$tools/nrf-fleet-simulator" profiles | grep -q "smoke.json"

# The sample, copied out of the repository so nothing of the product's build applies to it.
cp -r "$root/samples" "$work/samples"
export NUGET_PACKAGES="$work/packages" # a clean cache: the simulator's packages come from this feed, not from an earlier pack
echo "package check: the sample builds against the feed"
dotnet build "$work/samples/FleetScenarios.Tests" -c Release -p:SimulatorVersion="$version" --nologo -v q \
  --source "$feed" --source https://api.nuget.org/v3/index.json

echo "package check: the installed tool builds the sample's scenario project and runs it"
"$tools/nrf-fleet-simulator" run --profile "$work/samples/FleetScenarios/short.json" \
  --scenarios "$work/samples/FleetScenarios" --results "$empty/results" > "$work/run.log" 2>&1 \
  || { cat "$work/run.log"; exit 1; }
grep -q "step config-get: [1-9]" "$work/run.log" || { cat "$work/run.log"; exit 1; }
grep -q '"config-get"' "$empty"/results/*/summary.json

echo "package check: the sample's xUnit test runs the fleet in code"
dotnet test "$work/samples/FleetScenarios.Tests" -c Release --no-build --nologo -v q
