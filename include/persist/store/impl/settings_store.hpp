// Template bodies of <persist/store/settings_store.hpp>.
#ifndef PERSIST_STORE_IMPL_SETTINGS_STORE_HPP
#define PERSIST_STORE_IMPL_SETTINGS_STORE_HPP

#include <persist/detail/create_parents.hpp>
#include <persist/detail/jsonc_layout.hpp>
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

/// Whether a settings file holds no value, and so no settings: nothing but
/// whitespace, or under JSONC also a byte-order mark and whole comments (a
/// file whose every line was commented out). An unterminated /* comment is
/// not whole: the parse reports where it begins.
inline bool holds_no_value(std::string_view text, json_syntax syntax) noexcept {
    if (syntax == json_syntax::strict) {
        return std::all_of(text.begin(), text.end(),
                           [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
    }
    if (text.starts_with(utf8_byte_order_mark)) text.remove_prefix(utf8_byte_order_mark.size());
    jsonc_scanner const scan(text);
    for (std::size_t at = 0; at < text.size();) {
        char const c = text[at];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            ++at;
            continue;
        }
        if (!scan.starts_comment(at)) return false;
        if (text[at + 1] == '*' && text.find("*/", at + 2) == std::string_view::npos) return false;
        at = scan.comment_end(at);
    }
    return true;
}

/// The text of a first value written into a file that holds none: the
/// file's comments stay, above it.
inline std::string first_value_text(std::string_view old_text, boost::json::value const& root) {
    std::string text(old_text.find_first_not_of(" \t\r\n") == std::string_view::npos ? ""
                                                                                     : old_text);
    if (!text.empty() && text.back() != '\n') text += '\n';
    return text + format_json(root);
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
error basic_settings_store<AtomicFile>::at_file(error e, settings_scope scope) const {
    return error(e.stage(), e.code(), file_of(scope), e.other_path(), e.detail());
}

template <atomic_file_type AtomicFile>
result<void> basic_settings_store<AtomicFile>::reload(settings_scope scope) const {
    auto const& path = file_of(scope);
    auto& cached = cache_[detail::scope_index(scope)];
    auto const drop = [&](error e) -> result<void> {
        cached.valid = false;
        merged_.reset();
        return e;
    };
    if (auto valid = detail::validate_file_path(path); !valid) return drop(valid.error());
    auto const read_at = std::chrono::system_clock::now().time_since_epoch();
    file_status status;
    auto text = detail::read_whole_file(file_.fs(), path, &status);
    loaded_file loaded;
    if (text) {
        loaded.identity = detail::identity_of(status);
        loaded.text = std::move(*text);
        loaded.settled = detail::is_settled(status, read_at);
    } else if (text.error() != std::errc::no_such_file_or_directory) {
        return drop(error(stage::read, text.error(), path));
    }
    // The bytes cached parse to the content cached: whatever the identity
    // says, the content stays, and only the identity is new.
    if (cached.valid && cached.file.identity.has_value() == loaded.identity.has_value() &&
        cached.file.text == loaded.text) {
        cached.file.identity = loaded.identity;
        cached.file.settled = loaded.settled;
        return {};
    }
    merged_.reset();
    cached.valid = false;
    loaded.content = boost::json::object();
    if (!detail::holds_no_value(loaded.text, options_.syntax)) {  // say, a touched file
        auto parsed = parse_json(loaded.text, path, options_.syntax);
        if (!parsed) return parsed.error();
        if (!parsed->is_object()) {
            return error(
                stage::parse, errc::type_mismatch, path, {},
                "the top level is " + std::string(json_kind_phrase(*parsed)) + ", not an object");
        }
        loaded.content = std::move(*parsed);
    }
    cached.file = std::move(loaded);
    cached.valid = true;
    return {};
}

template <atomic_file_type AtomicFile>
result<void> basic_settings_store<AtomicFile>::refresh(settings_scope scope) const {
    auto const& path = file_of(scope);
    auto& cached = cache_[detail::scope_index(scope)];
    // An unsettled version proves nothing by its stat(2): read it at once.
    if (!cached.valid || !cached.file.settled) return reload(scope);
    std::optional<detail::file_identity> now;
    if (auto status = file_.fs().stat(path)) {
        now = detail::identity_of(*status);
    } else if (status.error() != std::errc::no_such_file_or_directory) {
        cached.valid = false;
        merged_.reset();
        return error(stage::read, status.error(), path);
    }
    if (cached.file.identity == now) return {};
    return reload(scope);
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
template <class Change>
result<bool> basic_settings_store<AtomicFile>::modify(settings_scope scope, std::string_view focus,
                                                      bool write_unchanged, Change&& change) {
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
    // The cached version is trusted as reads trust it (refresh): by an equal
    // stat(2) once settled (file_identity.hpp), else by equal bytes, the
    // file being read again; only other bytes are parsed. The content is
    // taken out of the cache meanwhile, so that the lock on the cache is not
    // held across the write (a concurrent get() reads the file itself).
    std::unique_lock guard(mutex_);
    auto& cached = cache_[detail::scope_index(scope)];
    if (auto fresh = refresh(scope); !fresh) return fresh.error();
    bool const edited = !detail::holds_no_value(cached.file.text, options_.syntax);
    if (edited && !cached.file.unique_keys) {
        auto unique = check_unique_keys(cached.file.text, cached.file.content, path);
        if (!unique) return unique.error();
        cached.file.unique_keys = true;
    }
    loaded_file file = std::move(cached.file);
    cached.valid = false;
    merged_.reset();
    guard.unlock();
    auto restore = [&] {  // the content did not change: it goes back
        guard.lock();
        if (!cached.valid) {
            cached.file = std::move(file);
            cached.valid = true;
        }
    };

    // What changes is the value at focus, or, when focus names an array
    // element, its array (see edit_json_text_at).
    auto& root = file.content;
    std::string const parent(focus.substr(0, std::min(focus.rfind('/'), focus.size())));
    if (auto up = find_at_pointer(std::as_const(root), parent); up && (*up)->is_array())
        focus = parent;
    std::optional<boost::json::value> before;
    if (auto old = find_at_pointer(std::as_const(root), focus)) before = **old;
    auto path_tokens = parse_json_pointer(focus);

    auto changed = change(root);
    if (!changed || (!*changed && !write_unchanged)) {
        restore();  // a change that fails leaves root as it was
        if (!changed) return at_file(changed.error(), scope);
        return false;
    }
    if (!root.is_object()) {
        return error(
            stage::validate, errc::type_mismatch, path, {},
            "a settings scope must be an object, not " + std::string(json_kind_phrase(root)));
    }
    // The rest of root was read from the file, so only the new value can
    // hold what JSON cannot (the whole root is searched for the message).
    auto const now = find_at_pointer(std::as_const(root), focus);
    if (now && find_unrepresentable(**now, {}, path_tokens ? path_tokens->size() : 0)) {
        return error(stage::validate, errc::invalid_input, path, {}, *find_unrepresentable(root));
    }
    if (options_.validator) {
        if (auto accepted = options_.validator(scope, root.as_object()); !accepted) {
            auto const& reason = accepted.error();
            return error(stage::validate, errc::validation_failed, path, {},
                         reason.detail().empty() ? reason.code().message() : reason.detail());
        }
    }
    // An existing file is edited in place: only the changed member's bytes.
    if (edited && !path_tokens) return at_file(path_tokens.error(), scope);  // change() refused it
    auto text = edited ? detail::edit_json_text_at(file.text, root, *path_tokens,
                                                   before ? &*before : nullptr, file.layout)
                       : detail::first_value_text(file.text, root);
    if (!edited) file.layout.reset();
    if (auto replaced = file_.replace(path, text); !replaced) return replaced.error();
    // The cache takes what was written, to be compared with what the next
    // read finds (it is not settled, being new).
    auto status = fs.stat(path);
    guard.lock();
    if (status) {
        cached.file = {detail::identity_of(*status), std::move(root), std::move(text), false, true,
                       std::move(file.layout)};
        cached.valid = true;
    }
    merged_.reset();
    return true;  // the lock is released here, after the rename
}

template <atomic_file_type AtomicFile>
result<void> basic_settings_store<AtomicFile>::save(settings_scope scope,
                                                    boost::json::object content) {
    auto saved = modify(scope, "", true, [&](boost::json::value& root) -> result<bool> {
        root = std::move(content);
        return true;
    });
    if (!saved) return saved.error();
    return {};
}

template <atomic_file_type AtomicFile>
result<void> basic_settings_store<AtomicFile>::set(settings_scope scope, std::string_view pointer,
                                                   boost::json::value v) {
    auto done = modify(scope, pointer, false, [&](boost::json::value& root) -> result<bool> {
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
    return modify(scope, pointer, false,
                  [&](boost::json::value& root) { return erase_at_pointer(root, pointer); });
}

template <atomic_file_type AtomicFile>
result<bool> basic_settings_store<AtomicFile>::add_unique(settings_scope scope,
                                                          std::string_view pointer,
                                                          boost::json::value v) {
    return modify(scope, pointer, false, [&](boost::json::value& root) -> result<bool> {
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
