// Which read-only calls are expected to need one statement, learned from the
// calls themselves: for those, the object service sends COMMIT in the same
// round trip as the statement (db::Connection::CommitWithNextStatement), so
// that PostgreSQL is woken once per call rather than twice (docs/api.md, read,
// session 13).
//
// A call's shape is its database, model, method and the fields it asks for;
// shapes are hashed into a fixed table of small counters. A shape never seen
// is expected to need one statement. A call of it that needed more (the
// transaction had ended, so its second statement was refused and the call ran
// again) sets its counter to kSkip: the next kSkip calls of that shape send
// COMMIT after the answer as before, and each one that needed one statement
// counts down, each that needed more sets it back. So a shape that needs more
// costs one wasted statement per kSkip calls at worst, and a hash collision
// only costs the early COMMIT, never a wrong answer.
//
// Thread-safe (relaxed atomics: a lost update only costs a round trip).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string_view>

namespace citadel::rpc {

class OneStatementCalls {
 public:
  static constexpr std::uint8_t kSkip = 16;

  // Whether a call of this shape should commit with its first statement.
  bool Expected(std::string_view shape) const;
  // A call of this shape sent with its COMMIT needed a second statement.
  void NeededMore(std::string_view shape);
  // A call of this shape sent without the early COMMIT needed `statements`.
  void Needed(std::string_view shape, std::uint64_t statements);

 private:
  std::atomic<std::uint8_t>& Slot(std::string_view shape);
  const std::atomic<std::uint8_t>& Slot(std::string_view shape) const;

  std::array<std::atomic<std::uint8_t>, 4096> skip_{};
};

}  // namespace citadel::rpc
