// Template bodies of <persist/store/settings_store.hpp>.
#ifndef PERSIST_STORE_IMPL_SETTINGS_STORE_HPP
#define PERSIST_STORE_IMPL_SETTINGS_STORE_HPP

#include <persist/detail/create_parents.hpp>
#include <persist/detail/path_text.hpp>
#include <persist/detail/read_file.hpp>
#include <persist/detail/validate_path.hpp>
#include <persist/json_edit.hpp>
#include <persist/json_pointer.hpp>
#include <persist/json_text.hpp>
#include <persist/store/detail/file_lock.hpp>
#include <persist/store/detail/private_files.hpp>

#include <boost/core/type_name.hpp>
#include <boost/json/array.hpp>
#include <boost/json/value_to.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

namespace persist {

namespace detail {

inline std::size_t scope_index(settings_scope scope) noexcept {
    return scope == settings_scope::global ? 0 : 1;
}

/// A value for an error message: its JSON text, cut short if long.
inline std::string excerpt_of(boost::json::value const& v) {
    auto text = format_json_line(v);
    constexpr std::size_t longest = 60;
    if (text.size() > longest) text = text.substr(0, longest) + "...";
    return text;
}

inline bool is_blank(std::string_view text) noexcept {
    return std::all_of(text.begin(), text.end(),
                       [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
}

}  // namespace detail

template <atomic_file_type AtomicFile>
basic_settings_store<AtomicFile>::basic_settings_store(std::filesystem::path global_file,
                                                       std::filesystem::path local_file,
                                                       settings_options options, AtomicFile file)
    : files_{std::move(global_file), std::move(local_file)},
      options_(std::move(options)),
      file_(detail::with_private_new_files(std::move(file))) {
    (void)sweep_stale_temps_for(file_, files_[0], options_.stale_temps);
    if (detail::directory_of(files_[1]) != detail::directory_of(files_[0])) {
        (void)sweep_stale_temps_for(file_, files_[1], options_.stale_temps);
    }
}

template <atomic_file_type AtomicFile>
std::filesystem::path const& basic_settings_store<AtomicFile>::file_of(
    settings_scope scope) const noexcept {
    return files_[detail::scope_index(scope)];
}

template <atomic_file_type AtomicFile>
auto basic_settings_store<AtomicFile>::identity_of(file_status const& s) noexcept -> file_identity {
    return {s.device, s.inode, s.size, s.modified_ns};
}

template <atomic_file_type AtomicFile>
error basic_settings_store<AtomicFile>::at_file(error e, settings_scope scope) const {
    return error(e.stage(), e.code(), file_of(scope), e.other_path(), e.detail());
}

template <atomic_file_type AtomicFile>
auto basic_settings_store<AtomicFile>::load(std::filesystem::path const& path,
                                            bool keep_text) const -> result<loaded_file> {
    if (auto valid = detail::validate_file_path(path); !valid) return valid.error();
    auto const read_at = std::chrono::system_clock::now().time_since_epoch();
    file_status status;
    auto text = detail::read_whole_file(file_.fs(), path, &status);
    if (!text) {
        if (text.error() == std::errc::no_such_file_or_directory)
            return loaded_file{std::nullopt, boost::json::object(), {}};
        return error(stage::read, text.error(), path);
    }
    loaded_file loaded{
        identity_of(status), boost::json::object(), {},
        read_at - std::chrono::nanoseconds(status.modified_ns) >= settings_racy_window};
    if (detail::is_blank(*text)) return loaded;  // an empty (say, touched) file holds no settings
    auto parsed = parse_json(*text, path, options_.syntax);
    if (!parsed) return parsed.error();
    if (!parsed->is_object()) {
        return error(
            stage::parse, errc::type_mismatch, path, {},
            "the top level is " + std::string(json_kind_phrase(*parsed)) + ", not an object");
    }
    loaded.content = std::move(*parsed);
    if (keep_text) loaded.text = std::move(*text);
    return loaded;
}

template <atomic_file_type AtomicFile>
result<void> basic_settings_store<AtomicFile>::refresh(settings_scope scope) const {
    auto const& path = file_of(scope);
    auto& cached = cache_[detail::scope_index(scope)];
    std::optional<file_identity> now;
    if (auto status = file_.fs().stat(path)) {
        now = identity_of(*status);
    } else if (status.error() != std::errc::no_such_file_or_directory) {
        cached.valid = false;
        return error(stage::read, status.error(), path);
    }
    if (cached.valid && cached.file.settled && cached.file.identity == now) return {};
    merged_.reset();
    cached.valid = false;
    auto loaded = load(path);
    if (!loaded) return loaded.error();
    cached.file = std::move(*loaded);
    cached.valid = true;
    return {};
}

template <atomic_file_type AtomicFile>
result<boost::json::value const*> basic_settings_store<AtomicFile>::merged_view() const {
    for (auto scope : {settings_scope::global, settings_scope::local}) {
        if (auto fresh = refresh(scope); !fresh) return fresh.error();
    }
    if (!merged_) {
        merged_ = cache_[detail::scope_index(settings_scope::global)].file.content;
        merge_json(*merged_, cache_[detail::scope_index(settings_scope::local)].file.content);
    }
    return &*merged_;
}

template <atomic_file_type AtomicFile>
result<boost::json::value> basic_settings_store<AtomicFile>::get(std::string_view pointer) const {
    std::lock_guard const guard(mutex_);
    auto merged = merged_view();
    if (!merged) return merged.error();
    auto found = find_at_pointer(**merged, pointer);
    if (!found) {
        auto const& e = found.error();
        return error(e.stage(), e.code(), file_of(settings_scope::local), {},
                     e.detail() + " (in the local settings merged over '" +
                         file_of(settings_scope::global).string() + "')");
    }
    return **found;
}

template <atomic_file_type AtomicFile>
result<boost::json::value> basic_settings_store<AtomicFile>::get(settings_scope scope,
                                                                 std::string_view pointer) const {
    std::lock_guard const guard(mutex_);
    if (auto fresh = refresh(scope); !fresh) return fresh.error();
    auto found = find_at_pointer(cache_[detail::scope_index(scope)].file.content, pointer);
    if (!found) return at_file(found.error(), scope);
    return **found;
}

namespace detail {

template <class T>
result<T> convert_setting(result<boost::json::value> got, std::string_view pointer,
                          std::filesystem::path const& file) {
    if (!got) return got.error();
    auto converted = boost::json::try_value_to<T>(*got);
    if (!converted) {
        return error(stage::read, errc::type_mismatch, file, {},
                     "'" + std::string(pointer) + "' holds " + std::string(json_kind_phrase(*got)) +
                         " (" + excerpt_of(*got) + "), which does not convert to " +
                         boost::core::type_name<T>() + ": " + converted.error().message());
    }
    return std::move(*converted);
}

}  // namespace detail

template <atomic_file_type AtomicFile>
template <class T>
result<T> basic_settings_store<AtomicFile>::get_as(std::string_view pointer) const {
    return detail::convert_setting<T>(get(pointer), pointer, file_of(settings_scope::local));
}

template <atomic_file_type AtomicFile>
template <class T>
result<T> basic_settings_store<AtomicFile>::get_as(settings_scope scope,
                                                   std::string_view pointer) const {
    return detail::convert_setting<T>(get(scope, pointer), pointer, file_of(scope));
}

template <atomic_file_type AtomicFile>
void basic_settings_store<AtomicFile>::invalidate(settings_scope scope) {
    std::lock_guard const guard(mutex_);
    cache_[detail::scope_index(scope)].valid = false;
    merged_.reset();
}

template <atomic_file_type AtomicFile>
template <class Change>
result<bool> basic_settings_store<AtomicFile>::modify(settings_scope scope, bool write_unchanged,
                                                      Change&& change) {
    auto const& path = file_of(scope);
    if (auto valid = detail::validate_file_path(path); !valid) return valid.error();
    auto& fs = file_.fs();
    // The lock file lives next to the settings file, so its directory must
    // exist before the lock can be taken: created when the lock finds it
    // missing, so that the usual set does not stat the directory first.
    auto take_lock = [&]() -> result<detail::unique_handle<std::remove_reference_t<decltype(fs)>>> {
        auto lock = detail::lock_file(fs, path);
        if (lock || lock.error().code() != std::errc::no_such_file_or_directory ||
            !file_.options().create_parents) {
            return lock;
        }
        using durability = typename AtomicFile::durability_type;
        if (auto made = detail::create_parents<durability>(fs, path, detail::directory_of(path));
            !made) {
            return made.error();
        }
        return detail::lock_file(fs, path);
    };
    auto lock = take_lock();
    if (!lock) return lock.error();

    // From here until the rename inside replace(), no other writer that
    // honours the lock can change the file: what is read is what is changed.
    auto loaded = load(path, true);
    if (!loaded) return loaded.error();
    auto& root = loaded->content;
    auto changed = change(root);
    if (!changed) return at_file(changed.error(), scope);
    if (!*changed && !write_unchanged) return false;
    if (!root.is_object()) {
        return error(
            stage::validate, errc::type_mismatch, path, {},
            "a settings scope must be an object, not " + std::string(json_kind_phrase(root)));
    }
    if (auto bad = find_unrepresentable(root)) {
        return error(stage::validate, errc::invalid_input, path, {}, *bad);
    }
    if (options_.validator) {
        if (auto accepted = options_.validator(scope, root.as_object()); !accepted) {
            auto const& reason = accepted.error();
            return error(stage::validate, errc::validation_failed, path, {},
                         reason.detail().empty() ? reason.code().message() : reason.detail());
        }
    }
    // An existing file is edited in place: only the changed members' bytes.
    auto text = loaded->text.empty() ? result<std::string>(format_json(root))
                                     : edit_json_text(loaded->text, root, path);
    if (!text) return text.error();
    auto replaced = file_.replace(path, *text);
    invalidate(scope);  // whatever happened, the next read looks again
    if (!replaced) return replaced.error();
    return true;  // the lock is released here, after the rename
}

template <atomic_file_type AtomicFile>
result<void> basic_settings_store<AtomicFile>::save(settings_scope scope,
                                                    boost::json::object content) {
    auto saved = modify(scope, true, [&](boost::json::value& root) -> result<bool> {
        root = std::move(content);
        return true;
    });
    if (!saved) return saved.error();
    return {};
}

template <atomic_file_type AtomicFile>
result<void> basic_settings_store<AtomicFile>::set(settings_scope scope, std::string_view pointer,
                                                   boost::json::value v) {
    auto done = modify(scope, false, [&](boost::json::value& root) -> result<bool> {
        if (auto existing = find_at_pointer(std::as_const(root), pointer);
            existing && **existing == v)
            return false;
        if (auto set = set_at_pointer(root, pointer, std::move(v)); !set) return set.error();
        return true;
    });
    if (!done) return done.error();
    return {};
}

template <atomic_file_type AtomicFile>
result<bool> basic_settings_store<AtomicFile>::erase(settings_scope scope,
                                                     std::string_view pointer) {
    return modify(scope, false,
                  [&](boost::json::value& root) { return erase_at_pointer(root, pointer); });
}

template <atomic_file_type AtomicFile>
result<bool> basic_settings_store<AtomicFile>::add_unique(settings_scope scope,
                                                          std::string_view pointer,
                                                          boost::json::value v) {
    return modify(scope, false, [&](boost::json::value& root) -> result<bool> {
        auto existing = find_at_pointer(root, pointer);
        if (!existing) {
            if (existing.error().code() != errc::not_found) {
                auto const& e = existing.error();
                return error(stage::validate, e.code(), {}, {}, e.detail());
            }
            if (auto set = set_at_pointer(root, pointer, boost::json::array{std::move(v)}); !set)
                return set.error();
            return true;
        }
        auto* array = (*existing)->if_array();
        if (array == nullptr) {
            return error(stage::validate, errc::type_mismatch, {}, {},
                         "cannot add to '" + std::string(pointer) + "', which holds " +
                             std::string(json_kind_phrase(**existing)) + ", not an array");
        }
        if (std::find(array->begin(), array->end(), v) != array->end()) return false;
        array->push_back(std::move(v));
        return true;
    });
}

template <atomic_file_type AtomicFile>
result<bool> basic_settings_store<AtomicFile>::add_provider(settings_scope scope,
                                                            std::string_view name) {
    return add_unique(scope, "/providers", boost::json::string(name));
}

template <atomic_file_type AtomicFile>
result<bool> basic_settings_store<AtomicFile>::add_model(settings_scope scope,
                                                         std::string_view provider,
                                                         std::string_view model) {
    return add_unique(scope, "/models/" + escape_json_pointer_token(provider),
                      boost::json::string(model));
}

}  // namespace persist

#endif
