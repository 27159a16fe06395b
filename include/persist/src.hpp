// Include this in exactly one translation unit to compile persist's
// out-of-line code (src/src.cpp does). Header-only: README, "Header-only use".
#ifndef PERSIST_SRC_HPP
#define PERSIST_SRC_HPP

#include <persist/config.hpp>

#include <persist/detail/impl/temp_name.ipp>
#include <persist/detail/impl/utc_time.ipp>
#include <persist/detail/impl/validate_path.ipp>
#include <persist/fs/impl/posix_fs.ipp>
#include <persist/impl/default_file.ipp>
#include <persist/impl/json_edit.ipp>
#include <persist/impl/json_parser.ipp>
#include <persist/impl/json_pointer.ipp>
#include <persist/impl/json_text.ipp>
#include <persist/impl/sweep.ipp>
#include <persist/store/detail/impl/jsonl_line.ipp>
#include <persist/store/detail/impl/state_document.ipp>
#include <persist/store/impl/state_file.ipp>
#include <persist/store/impl/state_migration.ipp>

#endif
