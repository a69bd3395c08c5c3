//! Wire documents are JSON objects (`schemas/*.yaml`: every message is
//! `type: object`). serde's derived readers also take a struct in the
//! positional array form (`["FEATURE_TYPE_L3_BASE"]` as a `FeatureConfig`,
//! `[]` as `Empty`), which the specification does not have
//! (`spec/ERRATA.md`, "documents are objects").
//!
//! [`ObjectsOnly`] wraps a deserializer, and every deserializer it hands
//! out for the members and list items below, so that a struct is read only
//! from an object; an array in its place is an error that says an object was
//! expected. Everything else is passed through unchanged, so the wire types
//! keep their derived `Deserialize`.

use std::fmt;

use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor,
};

/// A deserializer whose structs (at any depth) are read only from objects.
pub(crate) struct ObjectsOnly<D>(pub(crate) D);

/// Passes a `deserialize_*` method through, wrapping the visitor.
macro_rules! pass {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
            self.0.$method(Wrap(visitor))
        }
    )*};
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for ObjectsOnly<D> {
    type Error = D::Error;

    pass! {
        deserialize_any deserialize_bool
        deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64 deserialize_i128
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_u128
        deserialize_f32 deserialize_f64 deserialize_char deserialize_str deserialize_string
        deserialize_bytes deserialize_byte_buf deserialize_option deserialize_unit
        deserialize_seq deserialize_map deserialize_identifier deserialize_ignored_any
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_unit_struct(name, Wrap(visitor))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_newtype_struct(name, Wrap(visitor))
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_tuple(len, Wrap(visitor))
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_tuple_struct(name, len, Wrap(visitor))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0
            .deserialize_struct(name, fields, Object(Wrap(visitor)))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_enum(name, variants, Wrap(visitor))
    }

    fn is_human_readable(&self) -> bool {
        self.0.is_human_readable()
    }
}

/// A visitor for a struct: takes a map only; anything else (an array in
/// particular) is refused as "expected an object".
struct Object<V>(V);

impl<'de, V: Visitor<'de>> Visitor<'de> for Object<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object (")?;
        self.0.expecting(f)?;
        f.write_str(")")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        self.0.visit_map(map)
    }
}

/// A visitor passed through, with the deserializers it is handed wrapped.
struct Wrap<V>(V);

/// Passes `visit_*` methods of one argument through.
macro_rules! visit {
    ($($method:ident: $ty:ty)*) => {$(
        fn $method<E: de::Error>(self, v: $ty) -> Result<Self::Value, E> {
            self.0.$method(v)
        }
    )*};
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Wrap<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.expecting(f)
    }

    visit! {
        visit_bool: bool
        visit_i8: i8 visit_i16: i16 visit_i32: i32 visit_i64: i64 visit_i128: i128
        visit_u8: u8 visit_u16: u16 visit_u32: u32 visit_u64: u64 visit_u128: u128
        visit_f32: f32 visit_f64: f64 visit_char: char
        visit_str: &str visit_borrowed_str: &'de str visit_string: String
        visit_bytes: &[u8] visit_borrowed_bytes: &'de [u8] visit_byte_buf: Vec<u8>
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        self.0.visit_none()
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        self.0.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        self.0.visit_some(ObjectsOnly(d))
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        self.0.visit_newtype_struct(ObjectsOnly(d))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        self.0.visit_seq(Wrap(seq))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        self.0.visit_map(Wrap(map))
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Self::Value, A::Error> {
        self.0.visit_enum(Wrap(data))
    }
}

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for Wrap<A> {
    type Error = A::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, A::Error> {
        self.0.next_element_seed(Wrap(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Wrap<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        self.0.next_key_seed(Wrap(seed))
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, A::Error> {
        self.0.next_value_seed(Wrap(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

impl<'de, A: EnumAccess<'de>> EnumAccess<'de> for Wrap<A> {
    type Error = A::Error;
    type Variant = Wrap<A::Variant>;

    fn variant_seed<S: DeserializeSeed<'de>>(
        self,
        seed: S,
    ) -> Result<(S::Value, Self::Variant), A::Error> {
        let (value, variant) = self.0.variant_seed(Wrap(seed))?;
        Ok((value, Wrap(variant)))
    }
}

impl<'de, A: VariantAccess<'de>> VariantAccess<'de> for Wrap<A> {
    type Error = A::Error;

    fn unit_variant(self) -> Result<(), A::Error> {
        self.0.unit_variant()
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, A::Error> {
        self.0.newtype_variant_seed(Wrap(seed))
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, A::Error> {
        self.0.tuple_variant(len, Wrap(visitor))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        self.0.struct_variant(fields, Object(Wrap(visitor)))
    }
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Wrap<S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<S::Value, D::Error> {
        self.0.deserialize(ObjectsOnly(d))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::wire::test_support::rejects_at;
    use crate::wire::{
        Empty, Feature, FeatureConfig, ListFeaturesResponse, ListIssuesResponse, from_json,
        from_value,
    };

    #[test]
    fn arrays_in_place_of_objects_are_refused_at_their_path() {
        rejects_at::<FeatureConfig>(&json!(["FEATURE_TYPE_L3_BASE"]), ".");
        rejects_at::<Empty>(&json!([]), ".");
        rejects_at::<Feature>(
            &json!({"featureConfig": ["FEATURE_TYPE_L3_BASE"]}),
            "featureConfig",
        );
        rejects_at::<Feature>(
            &json!({"featureConfig": {"l3BaseConfig": {"providerBgpConfigs": [["providers/aws"]]}}}),
            "featureConfig.l3BaseConfig.providerBgpConfigs[0]",
        );
        rejects_at::<ListFeaturesResponse>(&json!({"features": [[]]}), "features[0]");
        rejects_at::<ListIssuesResponse>(
            &json!({"issues": [{"channelContexts": [[]]}]}),
            "issues[0].channelContexts[0]",
        );
    }

    #[test]
    fn the_error_says_an_object_was_expected() {
        let text = from_json::<FeatureConfig>(br#"["FEATURE_TYPE_L3_BASE"]"#)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(text.contains("expected an object"), "{text}");
        let text = from_value::<Feature>(json!({"featureConfig": []}))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(text.starts_with("featureConfig: "), "{text}");
        assert!(text.contains("expected an object"), "{text}");
    }

    #[test]
    fn objects_lists_and_nulls_still_read() -> Result<(), crate::wire::DecodeError> {
        let f: Feature = from_json(
            br#"{"featureConfig": {"featureType": "FEATURE_TYPE_L3_BASE",
                 "l3BaseConfig": {"providerBgpConfigs": [{"asn": 64512}], "vlanId": null}}}"#,
        )?;
        let l3 = f.feature_config.and_then(|c| c.l3_base_config);
        assert_eq!(l3.map(|l| l.provider_bgp_configs.len()), Some(1));
        assert_eq!(from_json::<Empty>(b"{}")?, Empty {});
        Ok(())
    }
}
