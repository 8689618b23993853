#pragma once
// The result of a run for people (text) and for scripts (JSON, one object;
// scripts/bench-server collects these into build/bench-results/).

#include <string>

#include "run_result.hpp"

namespace keyfed::loadgen {

std::string textReport(const RunResult& result);
// Compact JSON; times in milliseconds or seconds as the key names say.
std::string jsonReport(const RunResult& result);

}  // namespace keyfed::loadgen
