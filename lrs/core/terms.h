// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Index terms of a statement: what each xAPI query filter matches on
// (Communication 2.1.3). A term is (index kind, term string); term strings
// are "i<IRI>" for verbs and activities, "a<agent identity key>" for agents
// and identified groups, "r<lowercase uuid>" for registrations.

#ifndef LRS_CORE_TERMS_H_
#define LRS_CORE_TERMS_H_

#include <string>
#include <utility>
#include <vector>

#include "lrs/json/json.h"

namespace lrs::core {

using Term = std::pair<char, std::string>;  // IndexKind, term string

// Appends the terms of a validated, normalized statement (its own terms
// only; StatementRef targets are handled by the writer). `authority` may be
// null. The result is sorted and free of duplicates.
void ExtractTerms(const json::Value& stmt, const json::Value* authority, std::vector<Term>* out);

// Term strings for query parameters.
std::string VerbTerm(std::string_view iri);
std::string ActivityTerm(std::string_view iri);
std::string RegistrationTerm(std::string_view uuid);
// False when the agent has no identifier.
bool AgentTerm(const json::Value& agent, std::string* term);

}  // namespace lrs::core

#endif  // LRS_CORE_TERMS_H_
