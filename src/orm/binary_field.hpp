// Binary fields, as Odoo 18's attachment-backed fields.Binary behave for
// clients, stored in the tenant's FileStore (file_store.hpp):
//
//   * the model's table has a text column holding only a reference
//     ("sha256:<hex>:<size>"); clients never see it;
//   * read returns the content as base64 text (Odoo's wire form), or with
//     `bin_size` true in the context Odoo's human size ("12.50 Kb", taken
//     from the reference, without opening the file); false when empty;
//   * create/write take base64 text (strictly: RFC 4648's alphabet with its
//     padding; ASCII whitespace, as in line-wrapped base64, is ignored);
//     false, null or "" clears the value; a value larger than the store's
//     maximum, or not base64, is a ValidationError naming the field;
//   * search: only `= False` / `!= False` (not set / set), as Odoo;
//   * copy shares the reference (no data copied); unlink and overwrite leave
//     the file to FileStore::CollectGarbage.
// An Environment without a FileStore (Environment::WithFileStore) makes any
// read or write of a binary content a UserError ("no file store"); empty
// values and bin_size reads need no store.
//
// The helpers below are pure and thread-safe, except the two that read the
// database (the Environment's thread).
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "orm/environment.hpp"
#include "orm/file_store.hpp"
#include "orm/value.hpp"

namespace citadel::orm {

// The file store failed to read or write (I/O, not the user's doing): the
// call fails and its transaction rolls back. The message names paths, so it
// is for the log, never for the client (entry points report an internal
// error, as for DatabaseError).
class FileStoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Odoo's tools.misc.human_size: "%0.2f <unit>" with units bytes, Kb, Mb,
// Gb, Tb of 1024; false for 0.
Value HumanSize(std::uint64_t bytes);

// Strict base64 (see above); nullopt for anything else.
std::optional<std::string> DecodeBinaryBase64(std::string_view text);
// The decoded size of `text`, without decoding; nullopt if it is not base64.
std::optional<std::uint64_t> DecodedBinarySize(std::string_view text);
std::string EncodeBinaryBase64(std::string_view bytes);

// Every reference held by a stored binary column of the Environment's
// tenant (every model of its registry): the live set for
// FileStore::CollectGarbage. Reads in the caller's transaction.
std::set<std::string> CollectBinaryReferences(const Environment& env);

// CollectBinaryReferences, then store.CollectGarbage.
core::Result<GarbageReport> CollectFileStoreGarbage(const Environment& env, FileStore& store);

}  // namespace citadel::orm
