// The soak test's shared vocabulary; see soak.hpp.
#include "soak/soak.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <array>

namespace soak {

namespace {
constexpr std::array<std::string_view, tier_count> tier_names = {"full_sync", "data_sync",
                                                                 "file_sync", "no_sync"};
}  // namespace

std::string replaced_name(int slot) { return "rep-" + std::to_string(slot) + ".json"; }

std::string_view to_string(tier t) { return tier_names.at(static_cast<std::size_t>(t)); }

std::optional<tier> tier_from_string(std::string_view name) {
    for (std::size_t i = 0; i < tier_names.size(); ++i) {
        if (tier_names[i] == name) return static_cast<tier>(i);
    }
    return std::nullopt;
}

int run_worker(worker_config const& config) {
    return config.fault_fs ? run_fault_worker(config) : run_posix_worker(config);
}

std::string replaced_content(int slot, std::uint64_t seq) {
    auto const pad_length = static_cast<std::size_t>((seq * 7919) % 20011);
    std::string pad(pad_length, ' ');
    for (std::size_t i = 0; i < pad_length; ++i) {
        pad[i] = static_cast<char>('a' + (seq + i) % 26);
    }
    boost::json::object content{{"slot", slot}, {"seq", seq}, {"pad", pad}};
    return boost::json::serialize(content) + "\n";
}

std::optional<replaced_version> parse_replaced(std::string const& bytes) {
    boost::system::error_code ec;
    auto const value = boost::json::parse(bytes, ec);
    if (ec || !value.is_object()) return std::nullopt;
    auto const* slot = value.as_object().if_contains("slot");
    auto const* seq = value.as_object().if_contains("seq");
    if (!slot || !seq || !slot->is_int64() || !(seq->is_uint64() || seq->is_int64())) {
        return std::nullopt;
    }
    replaced_version version{static_cast<int>(slot->as_int64()), seq->to_number<std::uint64_t>()};
    if (replaced_content(version.slot, version.seq) != bytes) return std::nullopt;
    return version;
}

}  // namespace soak
