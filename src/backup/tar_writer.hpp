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

  struct State;  // opaque; public only for libarchive's C callback

 private:
  std::unique_ptr<State> state_;
};

}  // namespace citadel::backup
