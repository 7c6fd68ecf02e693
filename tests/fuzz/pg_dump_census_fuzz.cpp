// Feeds arbitrary bytes to the census reader of pg_dump's custom format
// (what a backup runs over pg_dump's output), whole and split at a point the
// input chooses, then byte by byte for short inputs: it may refuse, never
// crash, allocate without bound, or give different tallies for different
// write boundaries.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "backup/pg_dump_census.hpp"

namespace {

using Tallies = citadel::core::Result<std::map<std::string, citadel::backup::DumpTableTally>>;

Tallies Run(std::string_view input, std::size_t step) {
  citadel::backup::PgDumpCensus census;
  for (std::size_t at = 0; at < input.size(); at += step) {
    if (auto written = census.Write(input.substr(at, step)); !written) {
      // Refused once, refused for good.
      if (census.Write("x")) __builtin_trap();
      return citadel::core::Unexpected(written.error());
    }
  }
  return census.Finish();
}

bool Same(const Tallies& a, const Tallies& b) {
  if (a.has_value() != b.has_value()) return false;
  if (!a) return true;
  if (a->size() != b->size()) return false;
  for (const auto& [key, tally] : *a) {
    auto other = b->find(key);
    if (other == b->end() || other->second.rows != tally.rows || other->second.sum != tally.sum ||
        other->second.columns != tally.columns) {
      return false;
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  const Tallies whole = Run(input, input.size() + 1);
  const std::size_t step = size > 0 ? 1 + data[size - 1] % 97 : 1;
  if (!Same(whole, Run(input, step))) __builtin_trap();
  if (size < 4096 && !Same(whole, Run(input, 1))) __builtin_trap();
  return 0;
}
