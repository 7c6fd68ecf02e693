#include "orm/binary_column.hpp"

#include <stdexcept>

#include "core/logger.hpp"
#include "orm/binary_field.hpp"
#include "orm/crud_sql.hpp"
#include "orm/errors.hpp"
#include "orm/file_store.hpp"

namespace citadel::orm::crud {
namespace {

// Marks a json binary value as a shared reference (any value would do: it
// only has to differ from bytes C++ code might one day pass as content).
constexpr std::uint8_t kSharedReferenceSubtype = 0xc1;

std::string FieldName(const Field& field) { return field.model().name() + "." + field.name(); }

FileStore& StoreOf(const Environment& env, const Field& field, const char* verb) {
  if (env.file_store() == nullptr) {
    throw UserError("The tenant has no file store: the value of " + FieldName(field) +
                    " cannot be " + verb + ".");
  }
  return *env.file_store();
}

// The store cannot be used at all (its key is missing or destroyed): the
// call fails with a message the client may read (the sealing's words carry
// no path and no key), and the operator gets it in the log.
[[noreturn]] void ThrowStoreUnavailable(const Field& field, const char* verb, const core::Error& error) {
  core::Log().Error("the tenant's file store is unavailable",
                    {{"field", FieldName(field)}, {"error", error.message}});
  throw UserError("The value of " + FieldName(field) + " cannot be " + verb + ": " + error.message);
}

bool IsTruthy(const Value& value) {
  if (value.is_boolean()) return value.get<bool>();
  if (value.is_number()) return value.get<double>() != 0.0;
  if (value.is_string()) return !value.get_ref<const std::string&>().empty();
  if (value.is_array() || value.is_object()) return !value.empty();
  return false;
}

std::string KeptReference(const Environment& env, const Field& field, const Value& value) {
  const auto& bytes = value.get_binary();
  std::string reference(bytes.begin(), bytes.end());
  if (!FileReference::Parse(reference)) throw std::logic_error("malformed shared binary reference");
  if (auto retained = StoreOf(env, field, "stored").Retain(reference); !retained) {
    // The source's file is gone already; the copy shares the loss, as
    // Odoo's copy of an unreadable attachment is empty.
    core::Log().Warn("a copied binary value refers to a missing file",
                     {{"field", FieldName(field)}, {"error", retained.error().message}});
  }
  return reference;
}

}  // namespace

db::Param BinaryParam(const Environment& env, const Field& field, const Value& value) {
  if (value.is_null() || (value.is_boolean() && !value.get<bool>())) return std::nullopt;
  if (value.is_binary() && value.get_binary().has_subtype() &&
      value.get_binary().subtype() == kSharedReferenceSubtype) {
    return KeptReference(env, field, value);
  }
  if (!value.is_string()) {
    throw ValidationError("Wrong value for " + FieldName(field) +
                          ": a binary field does not take a " + value.type_name() + " value.");
  }
  const std::string& text = value.get_ref<const std::string&>();
  // Sized before decoding: an oversized value is refused without the memory.
  const auto size = DecodedBinarySize(text);
  if (!size) {
    throw ValidationError("Wrong value for " + FieldName(field) +
                          ": a binary field takes base64 text (RFC 4648, padded).");
  }
  if (*size == 0) return std::nullopt;  // "" (or whitespace): no content
  FileStore& store = StoreOf(env, field, "stored");
  if (*size > store.max_bytes()) {
    throw ValidationError("The value of " + FieldName(field) + " is too large (" +
                          HumanSize(*size).get<std::string>() + "); the file store takes at most " +
                          HumanSize(store.max_bytes()).get<std::string>() + ".");
  }
  auto reference = store.Put(*DecodeBinaryBase64(text));
  if (!reference && reference.error().code == core::ErrorCode::kPermissionDenied) {
    ThrowStoreUnavailable(field, "stored", reference.error());
  }
  if (!reference) {
    throw FileStoreError("cannot store the value of " + FieldName(field) + ": " +
                         reference.error().message);
  }
  return *reference;
}

Value SharedBinaryReference(std::string_view reference) {
  return Value::binary(std::vector<std::uint8_t>(reference.begin(), reference.end()),
                       kSharedReferenceSubtype);
}

std::map<std::int64_t, std::string> BinaryReferences(const Environment& env, const Field& field,
                                                     std::span<const std::int64_t> ids) {
  const db::Identifier& alias = crud_sql::RootAlias();
  const db::Identifier column = crud_sql::Name(field.column());
  db::ComposedSql sql("SELECT ");
  sql.Qualified(alias, crud_sql::Name("id")).Sql(", ").Qualified(alias, column);
  sql.Sql(" FROM ").Name(crud_sql::Name(field.model().table())).Sql(" AS ").Name(alias);
  sql.Sql(" WHERE ").Append(crud_sql::IdIn(alias, ids)).Sql(" AND ").Qualified(alias, column);
  sql.Sql(" IS NOT NULL");
  const db::QueryResult rows = env.Execute(sql);
  const std::vector<std::int64_t> found = crud_sql::IdsOf(rows);
  std::map<std::int64_t, std::string> references;
  for (int row = 0; row < rows.rows(); ++row) references.emplace(found[row], *rows.Get(row, 1));
  return references;
}

BinaryReader::BinaryReader(const Environment& env)
    : env_(env),
      bin_size_(env.context().contains("bin_size") && IsTruthy(env.context()["bin_size"])) {}

Value BinaryReader::Read(const Field& field, std::optional<std::string_view> text) const {
  if (!text) return false;
  const auto reference = FileReference::Parse(*text);
  if (!reference) {
    core::Log().Error("a binary column holds no file store reference",
                      {{"field", FieldName(field)}});
    return false;
  }
  if (bin_size_) return HumanSize(reference->size);  // Odoo: human_size(file_size)
  auto content = StoreOf(env_, field, "read").Get(*text);
  if (content) return content->empty() ? Value(false) : Value(EncodeBinaryBase64(*content));
  const core::ErrorCode code = content.error().code;
  if (code == core::ErrorCode::kPermissionDenied) ThrowStoreUnavailable(field, "read", content.error());
  if (code == core::ErrorCode::kNotFound || code == core::ErrorCode::kInternal) {
    core::Log().Error("a binary value is missing or damaged in the file store; read as empty",
                      {{"field", FieldName(field)}, {"error", content.error().message}});
    return false;
  }
  throw FileStoreError("cannot read the value of " + FieldName(field) + ": " +
                       content.error().message);
}

}  // namespace citadel::orm::crud
