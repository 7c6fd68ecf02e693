// The PostgreSQL column type of a stored field, as Odoo 18's fields.py gives
// it (Field._column_type / column_type):
//
//   char       varchar(size), or varchar without a size
//   text, html text
//   integer    int4                 many2one   int4 (+ a foreign key)
//   float      float8; numeric when digits are set (Odoo: plain numeric, the
//              scale is applied by the ORM, not the column)
//   monetary   numeric              boolean    bool
//   date       date                 datetime   timestamp (without time zone; UTC)
//   selection  varchar
//   binary     text: Odoo's default (attachment=True) keeps file contents
//              out of the model's table, and so does Citadel: the contents
//              live in the tenant's file store (file_store.hpp) and the
//              column holds only their reference "sha256:<hex>:<size>";
//              never NOT NULL (the ORM checks required) and never filled
//              from a default.
//   one2many, many2many: no column (the comodel's many2one; a link table).
//
// Also which type changes are safe to apply to a column holding data.
// Pure functions and value types; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "orm/registry.hpp"

namespace citadel::orm {

enum class ColumnKind { kVarchar, kText, kInt4, kNumeric, kFloat8, kBool, kDate, kTimestamp };

struct ColumnType {
  ColumnKind kind = ColumnKind::kVarchar;
  std::optional<int> varchar_size;  // kVarchar only; nullopt: no limit

  friend bool operator==(const ColumnType&, const ColumnType&) = default;
};

// The column of a stored field; nullopt when the field has none.
std::optional<ColumnType> ColumnTypeOf(const Field& field);

// PostgreSQL's pg_type.typname of the kind ("varchar", "int4", "float8"...),
// which is what introspection reads back.
std::string_view UdtNameOf(ColumnKind kind);

// "varchar(64)", "timestamp": for messages.
std::string Describe(const ColumnType& type);
std::string DescribeExisting(std::string_view udt_name, std::optional<int> max_length);

// How an existing column (its typname and varchar length) compares with what
// a field wants.
enum class ColumnTypeFit {
  kSame,          // nothing to do
  kWiderAlready,  // e.g. varchar(64) where varchar(32) is declared: kept, as Odoo does
  kSafeWidening,  // varchar(n) -> varchar(m > n), varchar(n) -> varchar, varchar -> text
  kIncompatible,  // anything else: reported, never converted
};
ColumnTypeFit CompareColumnType(std::string_view existing_udt, std::optional<int> existing_length,
                                const ColumnType& wanted);

}  // namespace citadel::orm
