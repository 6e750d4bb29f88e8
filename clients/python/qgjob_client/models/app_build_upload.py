from __future__ import annotations

from collections.abc import Mapping
from io import BytesIO
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import types
from ..types import UNSET, File, FileTypes, Unset

T = TypeVar("T", bound="AppBuildUpload")


@_attrs_define
class AppBuildUpload:
    """The text fields of ``POST /v1/apps/{app_version_id}`` (a multipart form whose field
    ``file`` holds the build, or which gives its ``url``).

        Attributes:
            file (File | Unset): The .apk, .aab or .ipa.
            org_id (None | str | Unset): Org that owns the build [default: the token's].
            url (None | str | Unset): Or: where workers download it.
            sha256 (None | str | Unset): Required with url; checked for a file.
            package (None | str | Unset): Android package, e.g. com.acme.app.
    """

    file: File | Unset = UNSET
    org_id: None | str | Unset = UNSET
    url: None | str | Unset = UNSET
    sha256: None | str | Unset = UNSET
    package: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        file: FileTypes | Unset = UNSET
        if not isinstance(self.file, Unset):
            file = self.file.to_tuple()

        org_id: None | str | Unset
        if isinstance(self.org_id, Unset):
            org_id = UNSET
        else:
            org_id = self.org_id

        url: None | str | Unset
        if isinstance(self.url, Unset):
            url = UNSET
        else:
            url = self.url

        sha256: None | str | Unset
        if isinstance(self.sha256, Unset):
            sha256 = UNSET
        else:
            sha256 = self.sha256

        package: None | str | Unset
        if isinstance(self.package, Unset):
            package = UNSET
        else:
            package = self.package

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if file is not UNSET:
            field_dict["file"] = file
        if org_id is not UNSET:
            field_dict["org_id"] = org_id
        if url is not UNSET:
            field_dict["url"] = url
        if sha256 is not UNSET:
            field_dict["sha256"] = sha256
        if package is not UNSET:
            field_dict["package"] = package

        return field_dict

    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        if not isinstance(self.file, Unset):
            files.append(("file", self.file.to_tuple()))

        if not isinstance(self.org_id, Unset):
            if isinstance(self.org_id, str):
                files.append(("org_id", (None, str(self.org_id).encode(), "text/plain")))
            else:
                files.append(("org_id", (None, str(self.org_id).encode(), "text/plain")))

        if not isinstance(self.url, Unset):
            if isinstance(self.url, str):
                files.append(("url", (None, str(self.url).encode(), "text/plain")))
            else:
                files.append(("url", (None, str(self.url).encode(), "text/plain")))

        if not isinstance(self.sha256, Unset):
            if isinstance(self.sha256, str):
                files.append(("sha256", (None, str(self.sha256).encode(), "text/plain")))
            else:
                files.append(("sha256", (None, str(self.sha256).encode(), "text/plain")))

        if not isinstance(self.package, Unset):
            if isinstance(self.package, str):
                files.append(("package", (None, str(self.package).encode(), "text/plain")))
            else:
                files.append(("package", (None, str(self.package).encode(), "text/plain")))

        for prop_name, prop in self.additional_properties.items():
            files.append((prop_name, (None, str(prop).encode(), "text/plain")))

        return files

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        _file = d.pop("file", UNSET)
        file: File | Unset
        if isinstance(_file, Unset):
            file = UNSET
        else:
            file = File(payload=BytesIO(_file))

        def _parse_org_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        org_id = _parse_org_id(d.pop("org_id", UNSET))

        def _parse_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        url = _parse_url(d.pop("url", UNSET))

        def _parse_sha256(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        sha256 = _parse_sha256(d.pop("sha256", UNSET))

        def _parse_package(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        package = _parse_package(d.pop("package", UNSET))

        app_build_upload = cls(
            file=file,
            org_id=org_id,
            url=url,
            sha256=sha256,
            package=package,
        )

        app_build_upload.additional_properties = d
        return app_build_upload

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
