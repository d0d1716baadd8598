//! The two GraphQL dialects userdeck speaks (see schema/ and ../shared/api/).

use std::fmt;

/// Which API contract a server speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Dialect {
    /// The CRM back-office API: server-side paging, sessions, overlapping IPs.
    #[default]
    Crm,
    /// The training-platform API: one list of every user, editing, archiving.
    Training,
}

impl Dialect {
    /// Whether a user of this dialect can have `id`: training's ids are UUIDs (anything
    /// else is never sent), crm's are any text.
    pub fn takes_id(self, id: &str) -> bool {
        match self {
            Dialect::Crm => true,
            Dialect::Training => uuid::Uuid::parse_str(id).is_ok(),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Dialect::Crm => "crm",
            Dialect::Training => "training",
        }
    }
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Dialect {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Dialect, D::Error> {
        let text = String::deserialize(d)?;
        match text.as_str() {
            "crm" => Ok(Dialect::Crm),
            "training" => Ok(Dialect::Training),
            other => Err(serde::de::Error::custom(format!(
                "expected \"crm\" or \"training\", got {other:?}"
            ))),
        }
    }
}
