// --durability: the tier named on the command line, as a type.
#ifndef PERSIST_CLI_TIERS_HPP
#define PERSIST_CLI_TIERS_HPP

#include "command_line.hpp"

#include <persist/durability/data_sync.hpp>
#include <persist/durability/file_sync.hpp>
#include <persist/durability/full_sync.hpp>
#include <persist/durability/no_sync.hpp>

#include <boost/mp11/algorithm.hpp>

#include <tuple>

namespace persist::cli {

using tiers = std::tuple<no_sync, data_sync, file_sync, full_sync>;
inline constexpr std::string_view tier_names[] = {"none", "data", "file", "full"};

/// The index in `choices` of the word given for --option (or of fallback).
/// Throws usage_error naming the choices for anything else.
template <std::size_t N>
std::size_t choose(std::optional<std::string> const& given, std::string_view fallback,
                   std::string_view const (&choices)[N], std::string_view option) {
    std::string_view const wanted = given ? std::string_view(*given) : fallback;
    for (std::size_t i = 0; i < N; ++i) {
        if (choices[i] == wanted) return i;
    }
    std::string list;
    for (auto c : choices)
        list += (list.empty() ? "" : "|") + std::string(c);
    throw usage_error{"--" + std::string(option) + " expects " + list + ", not '" +
                      std::string(wanted) + "'"};
}

/// Calls body.template operator()<Tier>() with the tier --durability names
/// (default full), and returns its result.
template <class Body>
int with_tier(arguments const& args, Body&& body) {
    std::size_t const tier = choose(args.value("durability"), "full", tier_names, "durability");
    return boost::mp11::mp_with_index<std::tuple_size_v<tiers>>(tier, [&](auto index) {
        return body.template operator()<std::tuple_element_t<index, tiers>>();
    });
}

}  // namespace persist::cli

#endif
