from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="AppBuild")


@_attrs_define
class AppBuild:
    """A build of an app version, as registered with ``POST /v1/apps/{app_version_id}``.

    Attributes:
        org_id (str):
        app_version_id (str):
        source (str): Where workers fetch the build: an https:// URL, or a file:// URL in the build store for an
            uploaded file.
        sha256 (str): SHA-256 of the build file, hex; workers verify it.
        filename (str): File name, ending in .apk, .aab or .ipa.
        created_at (datetime.datetime):
        size (int | None | Unset): Bytes, when known (uploads).
        package (None | str | Unset): Android package name (e.g. com.acme.app), used by adb.
    """

    org_id: str
    app_version_id: str
    source: str
    sha256: str
    filename: str
    created_at: datetime.datetime
    size: int | None | Unset = UNSET
    package: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        org_id = self.org_id

        app_version_id = self.app_version_id

        source = self.source

        sha256 = self.sha256

        filename = self.filename

        created_at = self.created_at.isoformat()

        size: int | None | Unset
        if isinstance(self.size, Unset):
            size = UNSET
        else:
            size = self.size

        package: None | str | Unset
        if isinstance(self.package, Unset):
            package = UNSET
        else:
            package = self.package

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "org_id": org_id,
                "app_version_id": app_version_id,
                "source": source,
                "sha256": sha256,
                "filename": filename,
                "created_at": created_at,
            }
        )
        if size is not UNSET:
            field_dict["size"] = size
        if package is not UNSET:
            field_dict["package"] = package

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        org_id = d.pop("org_id")

        app_version_id = d.pop("app_version_id")

        source = d.pop("source")

        sha256 = d.pop("sha256")

        filename = d.pop("filename")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_size(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        size = _parse_size(d.pop("size", UNSET))

        def _parse_package(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        package = _parse_package(d.pop("package", UNSET))

        app_build = cls(
            org_id=org_id,
            app_version_id=app_version_id,
            source=source,
            sha256=sha256,
            filename=filename,
            created_at=created_at,
            size=size,
            package=package,
        )

        app_build.additional_properties = d
        return app_build

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
