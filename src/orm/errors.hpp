// The small set of user-facing exceptions business code throws (DESIGN.md,
// "Conventions"), as Odoo has them. Each entry point (RPC, web) catches them in
// exactly one place and maps them to an Odoo-style fault or a page; the message
// is meant for the user and never holds SQL, DSNs or internals.
//
//   UserError        the operation makes no sense for these records
//   ValidationError  a value or a domain/order/field name is invalid
//   AccessError      the user may not do this operation on this model/record
//   AccessDenied     authentication failed (wrong login, password or key)
//   MissingError     a record does not exist (or no longer does)
#pragma once

#include <stdexcept>
#include <string>

namespace citadel::orm {

class UserError : public std::runtime_error {
 public:
  explicit UserError(const std::string& message) : std::runtime_error(message) {}
  // Odoo's exception class name, for faults: "odoo.exceptions.UserError".
  virtual const char* OdooName() const { return "odoo.exceptions.UserError"; }
};

class ValidationError : public UserError {
 public:
  using UserError::UserError;
  const char* OdooName() const override { return "odoo.exceptions.ValidationError"; }
};

class AccessError : public UserError {
 public:
  using UserError::UserError;
  const char* OdooName() const override { return "odoo.exceptions.AccessError"; }
};

class AccessDenied : public UserError {
 public:
  AccessDenied() : UserError("Access Denied") {}
  const char* OdooName() const override { return "odoo.exceptions.AccessDenied"; }
};

class MissingError : public UserError {
 public:
  using UserError::UserError;
  const char* OdooName() const override { return "odoo.exceptions.MissingError"; }
};

}  // namespace citadel::orm
