// A plain .tar (POSIX pax, written by Debian's libarchive) streamed to a
// ByteSink: what a customer downloads — the dump, the file store and the
// manifest, decrypted — openable with any tar. Entry sizes must be known
// before their data (tar's header comes first): the backup's manifest gives
// them. The output is deterministic (fixed owner, mode and the backup's time)
// so that the same backup always gives the same bytes, which a resumed
// download (HTTP Range) relies on.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "backup/byte_sink.hpp"
#include "core/result.hpp"

namespace citadel::backup {

class TarWriter {
 public:
  // `mtime_unix`: the time every entry carries.
  TarWriter(ByteSink& out, std::int64_t mtime_unix);
  ~TarWriter();
  core::Result<void> BeginEntry(const std::string& name, std::uint64_t size);
  // Exactly the size announced, over any number of calls.
  core::Result<void> Write(std::string_view bytes);
  core::Result<void> EndEntry();
  // Writes tar's end and closes `out`.
  core::Result<void> Close();

  // The exact size of the archive these entries (name, size), in order,
  // make: what a download announces as its Content-Length before a byte of
  // it is decrypted. Runs libarchive itself with no data (its padding of an
  // entry's missing bytes is the same size), so it cannot drift from it.
  static core::Result<std::uint64_t> ArchiveSize(const std::vector<std::pair<std::string, std::uint64_t>>& entries,
                                                 std::int64_t mtime_unix);

  struct State;  // opaque; public only for libarchive's C callback

 private:
  std::unique_ptr<State> state_;
};

}  // namespace citadel::backup
