#include "backup/pg_dump_census.hpp"

#include <cstring>

#include <xxhash.h>

namespace citadel::backup {
namespace {

constexpr std::string_view kMagic = "PGDMP";
// Archive version 1.14: PostgreSQL 12 to 15 (16 writes 1.15, 17 1.16).
constexpr int kVersionMajor = 1;
constexpr int kVersionMinor = 14;
constexpr int kFormatCustom = 1;
constexpr int kBlockData = 1;
constexpr int kBlockBlobs = 3;
constexpr std::string_view kEndOfData = "\\.";

// Reads the header and TOC out of a buffer that may not hold all of them
// yet: `short_by` says so (and how far it needed to reach), so the caller
// waits for more bytes instead of failing.
class HeadCursor {
 public:
  HeadCursor(std::string_view data, int int_size) : data_(data), int_size_(int_size) {}
  bool Short() const { return short_; }
  std::size_t needed() const { return needed_; }
  std::size_t position() const { return position_; }
  void set_int_size(int size) { int_size_ = size; }

  int Byte() {
    if (!Have(1)) return 0;
    return static_cast<unsigned char>(data_[position_++]);
  }
  std::string_view Bytes(std::size_t n) {
    if (!Have(n)) return {};
    std::string_view out = data_.substr(position_, n);
    position_ += n;
    return out;
  }
  // pg_dump's WriteInt: a sign byte, then int_size bytes, least significant first.
  std::int64_t Int() {
    if (!Have(1 + static_cast<std::size_t>(int_size_))) return 0;
    const bool negative = data_[position_] != 0;
    std::uint64_t value = 0;
    for (int i = 0; i < int_size_; ++i) {
      value |= std::uint64_t{static_cast<unsigned char>(data_[position_ + 1 + i])} << (8 * i);
    }
    position_ += 1 + static_cast<std::size_t>(int_size_);
    // int_size is at most 4 in every pg_dump; a larger one is refused before.
    const auto magnitude = static_cast<std::int64_t>(value);
    return negative ? -magnitude : magnitude;
  }
  // WriteStr: a length (negative: null), then the bytes. Null reads as
  // nullopt-ish: `is_null` set.
  std::string_view Str(bool* is_null, std::string* error) {
    const std::int64_t length = Int();
    if (short_) return {};
    if (is_null != nullptr) *is_null = length < 0;
    if (length < 0) return {};
    if (static_cast<std::uint64_t>(length) > PgDumpCensus::kMaxString) {
      *error = "the dump holds a string of " + std::to_string(length) + " bytes, more than the census takes";
      return {};
    }
    return Bytes(static_cast<std::size_t>(length));
  }

 private:
  bool Have(std::size_t n) {
    if (short_) return false;
    if (data_.size() - position_ >= n) return true;
    short_ = true;
    needed_ = position_ + n;
    return false;
  }
  std::string_view data_;
  int int_size_;
  std::size_t position_ = 0;
  bool short_ = false;
  std::size_t needed_ = 0;
};

// One identifier of a COPY statement as pg_dump's fmtId writes it: bare
// ([a-z0-9_]) or double-quoted with "" for a quote. Advances `at`.
bool ReadIdentifier(std::string_view text, std::size_t& at, std::string& out) {
  out.clear();
  if (at < text.size() && text[at] == '"') {
    ++at;
    while (at < text.size()) {
      if (text[at] == '"') {
        if (at + 1 < text.size() && text[at + 1] == '"') {
          out += '"';
          at += 2;
          continue;
        }
        ++at;
        return !out.empty();
      }
      out += text[at++];
    }
    return false;
  }
  while (at < text.size() &&
         ((text[at] >= 'a' && text[at] <= 'z') || (text[at] >= '0' && text[at] <= '9') || text[at] == '_')) {
    out += text[at++];
  }
  return !out.empty();
}

bool Expect(std::string_view text, std::size_t& at, std::string_view what) {
  if (text.substr(at, what.size()) != what) return false;
  at += what.size();
  return true;
}

}  // namespace

std::uint64_t CopyLineHash(std::string_view line) { return XXH3_64bits(line.data(), line.size()); }

core::Result<std::vector<std::string>> ParseCopyColumns(std::string_view statement, std::string_view schema,
                                                        std::string_view table) {
  auto bad = [&]() -> core::Result<std::vector<std::string>> {
    return core::Fail(core::ErrorCode::kInvalidArgument,
                      "the dump's COPY statement for " + std::string(schema) + "." + std::string(table) +
                          " is not one the census reads");
  };
  std::size_t at = 0;
  std::string name;
  if (!Expect(statement, at, "COPY ")) return bad();
  if (!ReadIdentifier(statement, at, name) || name != schema) return bad();
  if (!Expect(statement, at, ".")) return bad();
  if (!ReadIdentifier(statement, at, name) || name != table) return bad();
  if (!Expect(statement, at, " ")) return bad();
  std::vector<std::string> columns;
  // "COPY %s %s FROM stdin;\n": the list, or nothing, then a space.
  if (Expect(statement, at, "(")) {
    while (true) {
      if (!ReadIdentifier(statement, at, name)) return bad();
      columns.push_back(name);
      if (Expect(statement, at, ")")) break;
      if (!Expect(statement, at, ", ")) return bad();
    }
  }
  if (!Expect(statement, at, " FROM stdin;\n") || at != statement.size()) return bad();
  return columns;
}

struct PgDumpCensus::Table {
  DumpTableTally tally;
  bool seen = false;
};

// The row being hashed when it spans writes, and where the table's data
// stands against pg_dump's end-of-data line ("\.", then two empty lines).
struct PgDumpCensus::LineState {
  LineState() : state(XXH3_createState()) {}
  ~LineState() { XXH3_freeState(state); }
  LineState(const LineState&) = delete;
  LineState& operator=(const LineState&) = delete;
  void Reset() {
    partial = false;
    partial_length = 0;
    prefix.clear();
    ended = false;
    newlines_after_end = 0;
  }
  XXH3_state_t* state;
  bool partial = false;
  std::size_t partial_length = 0;
  std::string prefix;  // the partial row's first bytes (up to 3), to tell "\." apart
  bool ended = false;
  int newlines_after_end = 0;
};

PgDumpCensus::PgDumpCensus() : line_(std::make_unique<LineState>()) {}
PgDumpCensus::~PgDumpCensus() = default;

core::Result<void> PgDumpCensus::Fail(std::string message) {
  state_ = State::kFailed;
  error_ = std::move(message);
  return core::Fail(core::ErrorCode::kInvalidArgument, error_);
}

core::Result<void> PgDumpCensus::Write(std::string_view bytes) {
  if (state_ == State::kFailed) return core::Fail(core::ErrorCode::kInvalidArgument, error_);
  if (state_ != State::kHead) return Data(bytes);
  if (head_.size() + bytes.size() > kMaxHeaderBytes) {
    return Fail("the dump's header and table of contents exceed " + std::to_string(kMaxHeaderBytes >> 20) + " MiB");
  }
  head_.append(bytes);
  // Parse again only once the bytes it ran short of are here and the buffer
  // grew by half since the last attempt: a large TOC arriving in small
  // writes is not parsed over and over.
  if (head_.size() < head_needed_ || head_.size() < last_attempt_ + last_attempt_ / 2) return {};
  return ParseHead();
}

core::Result<void> PgDumpCensus::ParseHead() {
  last_attempt_ = head_.size();
  HeadCursor in(head_, 4);
  std::string error;
  if (in.Bytes(kMagic.size()) != kMagic) {
    if (in.Short()) {
      // Fewer than five bytes: wait, unless they already differ.
      if (head_ != kMagic.substr(0, head_.size())) return Fail("the dump is not a pg_dump custom-format archive");
      head_needed_ = in.needed();
      return {};
    }
    return Fail("the dump is not a pg_dump custom-format archive");
  }
  const int major = in.Byte();
  const int minor = in.Byte();
  const int revision = in.Byte();
  const int int_size = in.Byte();
  const int offset_size = in.Byte();
  const int format = in.Byte();
  if (!in.Short()) {
    if (major != kVersionMajor || minor != kVersionMinor) {
      return Fail("the dump is pg_dump archive version " + std::to_string(major) + "." + std::to_string(minor) + "." +
                  std::to_string(revision) + "; the census reads only version 1.14 (pg_dump 12 to 15)");
    }
    if (int_size < 1 || int_size > 4 || offset_size < 1 || offset_size > 8) {
      return Fail("the dump's integer size " + std::to_string(int_size) + " or offset size " +
                  std::to_string(offset_size) + " is not one pg_dump writes");
    }
    if (format != kFormatCustom) return Fail("the dump is not in pg_dump's custom format");
    in.set_int_size(int_size);
    const std::int64_t compression = in.Int();
    if (!in.Short() && compression != 0) {
      return Fail("the dump is compressed (level " + std::to_string(compression) +
                  "): the census needs pg_dump --compress=0");
    }
    for (int i = 0; i < 7; ++i) (void)in.Int();  // the creation time
    for (int i = 0; i < 3; ++i) (void)in.Str(nullptr, &error);  // database, server and pg_dump versions
  }
  const std::int64_t count = in.Int();
  if (!error.empty()) return Fail(error);
  if (!in.Short() && (count < 0 || count > kMaxTocEntries)) {
    return Fail("the dump's table of contents claims " + std::to_string(count) + " entries");
  }
  std::map<std::int64_t, Table> tables;
  std::map<std::int64_t, bool> ids;
  std::map<std::int64_t, bool> other_data;
  for (std::int64_t entry = 0; !in.Short() && entry < count; ++entry) {
    const std::int64_t dump_id = in.Int();
    const std::int64_t has_data = in.Int();
    (void)in.Str(nullptr, &error);  // table oid
    (void)in.Str(nullptr, &error);  // oid
    const std::string tag(in.Str(nullptr, &error));
    const std::string desc(in.Str(nullptr, &error));
    (void)in.Int();  // section
    (void)in.Str(nullptr, &error);  // definition
    (void)in.Str(nullptr, &error);  // drop statement
    bool copy_null = true;
    const std::string copy(in.Str(&copy_null, &error));
    bool namespace_null = true;
    const std::string schema(in.Str(&namespace_null, &error));
    (void)in.Str(nullptr, &error);  // tablespace
    (void)in.Str(nullptr, &error);  // table access method
    (void)in.Str(nullptr, &error);  // owner
    (void)in.Str(nullptr, &error);  // "with oids"
    for (std::size_t deps = 0; !in.Short() && error.empty(); ++deps) {
      bool end = false;
      (void)in.Str(&end, &error);
      if (end) break;
      if (deps > 1'000'000) error = "a TOC entry of the dump lists too many dependencies";
    }
    (void)in.Byte();                  // the data offset's flag...
    (void)in.Bytes(static_cast<std::size_t>(offset_size));  // ...and value (unknown in a stream)
    if (!error.empty()) return Fail(error);
    if (in.Short()) break;
    if (dump_id <= 0 || ids.contains(dump_id)) {
      return Fail("the dump's table of contents holds dump id " + std::to_string(dump_id) + " twice or out of range");
    }
    ids[dump_id] = true;
    if (desc != "TABLE DATA") {
      // Large objects: their block must come too (a dump cut between
      // blocks is still a cut dump), but they are not counted.
      if (has_data != 0) other_data[dump_id] = false;
      continue;
    }
    if (namespace_null || copy_null || copy.empty()) {
      return Fail("the dump's data of " + tag + " is not COPY data (pg_dump --inserts?)");
    }
    auto columns = ParseCopyColumns(copy, schema, tag);
    if (!columns) return Fail(columns.error().message);
    Table table;
    table.tally.schema = schema;
    table.tally.table = tag;
    table.tally.columns = std::move(*columns);
    tables[dump_id] = std::move(table);
  }
  if (in.Short()) {
    head_needed_ = in.needed();
    return {};
  }
  int_size_ = int_size;
  tables_ = std::move(tables);
  other_data_ = std::move(other_data);
  std::string rest = head_.substr(in.position());
  head_.clear();
  head_.shrink_to_fit();
  state_ = State::kBlockType;
  return Data(rest);
}

core::Result<void> PgDumpCensus::AfterInteger(std::int64_t value) {
  switch (int_for_) {
    case State::kBlockId: {
      if (block_type_ == kBlockBlobs) {
        auto entry = other_data_.find(value);
        if (entry == other_data_.end() || entry->second) {
          return Fail("the dump holds a large-object block for dump id " + std::to_string(value) +
                      ", which its table of contents does not list, or twice");
        }
        entry->second = true;
        in_blobs_ = true;
        state_ = State::kBlobOid;
        return {};
      }
      auto table = tables_.find(value);
      if (table == tables_.end()) {
        return Fail("the dump holds a data block for dump id " + std::to_string(value) +
                    ", which its table of contents does not list as table data");
      }
      if (table->second.seen) return Fail("the dump holds the data of " + table->second.tally.table + " twice");
      table->second.seen = true;
      current_ = &table->second;
      line_->Reset();
      state_ = State::kChunkLength;
      return {};
    }
    case State::kBlobOid:
      state_ = value == 0 ? State::kBlockType : State::kChunkLength;
      if (value == 0) in_blobs_ = false;
      return {};
    case State::kChunkLength:
      if (value < 0 || value > kMaxChunk) {
        return Fail("the dump holds a data chunk of " + std::to_string(value) + " bytes");
      }
      if (value == 0) {
        if (in_blobs_) {
          state_ = State::kBlobOid;
          return {};
        }
        return EndTableBlock();
      }
      chunk_left_ = value;
      state_ = State::kChunkData;
      return {};
    default:
      return Fail("the census's dump reader is in an impossible state");
  }
}

core::Result<void> PgDumpCensus::EndTableBlock() {
  LineState& line = *line_;
  if (!line.ended || line.partial || line.newlines_after_end != 2) {
    return Fail("the dump's data of " + current_->tally.schema + "." + current_->tally.table +
                " does not end with COPY's end-of-data line");
  }
  current_ = nullptr;
  state_ = State::kBlockType;
  return {};
}

core::Result<void> PgDumpCensus::Data(std::string_view bytes) {
  const std::size_t int_length = 1 + static_cast<std::size_t>(int_size_);
  while (!bytes.empty()) {
    switch (state_) {
      case State::kBlockType: {
        block_type_ = static_cast<unsigned char>(bytes.front());
        bytes.remove_prefix(1);
        if (block_type_ != kBlockData && block_type_ != kBlockBlobs) {
          return Fail("the dump holds a block of unknown type " + std::to_string(block_type_));
        }
        state_ = State::kBlockId;
        int_bytes_.clear();
        break;
      }
      case State::kBlockId:
      case State::kChunkLength:
      case State::kBlobOid: {
        std::string_view whole;
        if (int_bytes_.empty() && bytes.size() >= int_length) {
          whole = bytes.substr(0, int_length);
          bytes.remove_prefix(int_length);
        } else {
          const std::size_t take = std::min(int_length - int_bytes_.size(), bytes.size());
          int_bytes_.append(bytes.substr(0, take));
          bytes.remove_prefix(take);
          if (int_bytes_.size() < int_length) break;
          whole = int_bytes_;
        }
        HeadCursor in(whole, int_size_);
        const std::int64_t value = in.Int();
        int_bytes_.clear();
        int_for_ = state_;
        if (auto done = AfterInteger(value); !done) return done;
        break;
      }
      case State::kChunkData: {
        const std::size_t take = static_cast<std::size_t>(
            std::min<std::uint64_t>(static_cast<std::uint64_t>(chunk_left_), bytes.size()));
        if (current_ != nullptr && !in_blobs_) {
          if (auto fed = Feed(bytes.substr(0, take)); !fed) return fed;
        }
        bytes.remove_prefix(take);
        chunk_left_ -= static_cast<std::int64_t>(take);
        if (chunk_left_ == 0) state_ = State::kChunkLength;
        break;
      }
      case State::kHead:
      case State::kFailed:
        return Fail("the census's dump reader is in an impossible state");
    }
  }
  return {};
}

core::Result<void> PgDumpCensus::Feed(std::string_view bytes) {
  LineState& line = *line_;
  DumpTableTally& tally = current_->tally;
  while (!bytes.empty()) {
    if (line.ended) {
      // After "\.": only the two empty lines pg_dump adds.
      if (bytes.front() != '\n' || ++line.newlines_after_end > 2) {
        return Fail("the dump's data of " + tally.schema + "." + tally.table + " goes on after its end-of-data line");
      }
      bytes.remove_prefix(1);
      continue;
    }
    const void* found = std::memchr(bytes.data(), '\n', bytes.size());
    if (found == nullptr) {
      if (!line.partial) {
        XXH3_64bits_reset(line.state);
        line.partial = true;
      }
      XXH3_64bits_update(line.state, bytes.data(), bytes.size());
      if (line.prefix.size() < 3) line.prefix.append(bytes.substr(0, 3 - line.prefix.size()));
      line.partial_length += bytes.size();
      return {};
    }
    const std::size_t length = static_cast<const char*>(found) - bytes.data();
    const std::string_view piece = bytes.substr(0, length);
    bool end_marker;
    std::uint64_t hash;
    if (line.partial) {
      XXH3_64bits_update(line.state, piece.data(), piece.size());
      hash = XXH3_64bits_digest(line.state);
      std::string prefix = line.prefix;
      if (prefix.size() < 3) prefix.append(piece.substr(0, 3 - prefix.size()));
      end_marker = line.partial_length + length == kEndOfData.size() && prefix == kEndOfData;
      line.partial = false;
      line.partial_length = 0;
      line.prefix.clear();
    } else {
      hash = XXH3_64bits(piece.data(), piece.size());
      end_marker = piece == kEndOfData;
    }
    if (end_marker) {
      line.ended = true;
    } else {
      tally.sum += hash;
      ++tally.rows;
    }
    bytes.remove_prefix(length + 1);
  }
  return {};
}

core::Result<std::map<std::string, DumpTableTally>> PgDumpCensus::Finish() {
  if (state_ == State::kFailed) return core::Fail(core::ErrorCode::kInvalidArgument, error_);
  if (state_ == State::kHead) {
    if (auto parsed = ParseHead(); !parsed) return core::Unexpected(parsed.error());
    if (state_ == State::kHead) {
      (void)Fail("the dump ends inside its header or table of contents");
      return core::Fail(core::ErrorCode::kInvalidArgument, error_);
    }
  }
  if (state_ != State::kBlockType) {
    (void)Fail("the dump ends inside a data block");
    return core::Fail(core::ErrorCode::kInvalidArgument, error_);
  }
  for (const auto& [id, seen] : other_data_) {
    if (!seen) {
      (void)Fail("the dump ends before the data of its entry " + std::to_string(id));
      return core::Fail(core::ErrorCode::kInvalidArgument, error_);
    }
  }
  std::map<std::string, DumpTableTally> out;
  for (auto& [id, table] : tables_) {
    if (!table.seen) {
      (void)Fail("the dump ends before the data of " + table.tally.schema + "." + table.tally.table);
      return core::Fail(core::ErrorCode::kInvalidArgument, error_);
    }
    std::string key = table.tally.schema + "." + table.tally.table;
    if (out.contains(key)) {
      (void)Fail("the dump holds two tables named " + key);
      return core::Fail(core::ErrorCode::kInvalidArgument, error_);
    }
    out[key] = std::move(table.tally);
  }
  return out;
}

}  // namespace citadel::backup
