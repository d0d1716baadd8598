//! The bearer token of a profile and where it came from: first found wins, in the
//! README's order, for every profile alike — `--token-env VAR`, `USERDECK_TOKEN`, the
//! profile's `token_command` (its output), the profile's `token`. Messages name the
//! source, never the token.

use std::time::Duration;

use super::{ConfigError, Resolved};
use crate::api::client::Token;

/// Where the bearer token came from, to tell the operator: the source, never the token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenSource {
    /// `--token-env VAR`: that variable.
    TokenEnv(String),
    /// `USERDECK_TOKEN`.
    Environment,
    /// The profile's `token_command` (its output).
    Command,
    /// The profile's `token`.
    Profile,
    /// None of them: requests go without one.
    None,
}

impl std::fmt::Display for TokenSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TokenSource::TokenEnv(var) => write!(f, "--token-env {var}"),
            TokenSource::Environment => f.write_str("USERDECK_TOKEN"),
            TokenSource::Command => f.write_str("the profile's token_command"),
            TokenSource::Profile => f.write_str("the profile's token"),
            TokenSource::None => f.write_str("no token"),
        }
    }
}

impl TokenSource {
    /// A parenthetical for messages: "token from USERDECK_TOKEN", or "no token".
    pub fn said(&self) -> String {
        match self {
            TokenSource::None => self.to_string(),
            source => format!("token from {source}"),
        }
    }
}

impl Resolved {
    /// The bearer token and where it came from. First found wins, in the README's order,
    /// for every profile alike (the one started with and one switched to in the
    /// dashboard): `--token-env VAR` (`token_env`), `USERDECK_TOKEN`, the profile's
    /// `token_command` (its output), the profile's `token`.
    pub fn token(
        &self,
        token_env: Option<&str>,
    ) -> Result<(Option<Token>, TokenSource), ConfigError> {
        if let Some(var) = token_env {
            return match std::env::var(var) {
                Ok(t) if !t.trim().is_empty() => Ok((
                    Some(Token::new(t.trim())),
                    TokenSource::TokenEnv(var.into()),
                )),
                _ => Err(ConfigError(format!(
                    "--token-env {var}: that environment variable is not set"
                ))),
            };
        }
        if let Ok(t) = std::env::var("USERDECK_TOKEN")
            && !t.trim().is_empty()
        {
            return Ok((Some(Token::new(t.trim())), TokenSource::Environment));
        }
        if let Some(command) = &self.profile.token_command {
            let timeout = Duration::from_secs_f64(self.profile.token_command_timeout_secs);
            let token = crate::token_command::run(command, timeout).map_err(|e| {
                ConfigError(format!(
                    "{}: profiles.{}.token_command {e}",
                    self.file.display(),
                    self.name
                ))
            })?;
            return Ok((Some(Token::new(token)), TokenSource::Command));
        }
        Ok(match &self.profile.token {
            Some(token) => (Some(Token::new(token.clone())), TokenSource::Profile),
            None => (None, TokenSource::None),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Profile, Settings};
    use std::path::PathBuf;

    /// A profile of `toml` (its endpoint and dialect given), no other layer.
    fn resolved(toml: &str) -> Resolved {
        let profile: Profile = toml::from_str(&format!(
            "endpoint = \"http://127.0.0.1:9/graphql\"\ndialect = \"crm\"\n{toml}"
        ))
        .expect("a profile");
        let settings: Settings = toml::from_str("default_profile = \"p\"").expect("settings");
        Resolved {
            name: "p".into(),
            profile,
            actions: Vec::new(),
            file: PathBuf::from("config.toml"),
            settings,
            warnings: Vec::new(),
        }
    }

    #[test]
    fn a_token_source_names_where_never_what() {
        let said: Vec<String> = [
            TokenSource::TokenEnv("DECK_TOKEN".into()),
            TokenSource::Environment,
            TokenSource::Command,
            TokenSource::Profile,
            TokenSource::None,
        ]
        .iter()
        .map(TokenSource::said)
        .collect();
        assert_eq!(
            said,
            [
                "token from --token-env DECK_TOKEN",
                "token from USERDECK_TOKEN",
                "token from the profile's token_command",
                "token from the profile's token",
                "no token",
            ]
        );
    }

    #[test]
    fn token_env_comes_before_the_profiles_own() {
        // PATH is set wherever tests run: a variable this test need not set (setting one
        // would race the other tests of the process).
        let p = resolved("token = \"own\"\ntoken_command = \"echo command\"");
        let (token, source) = p.token(Some("PATH")).expect("a token");
        assert_eq!(source, TokenSource::TokenEnv("PATH".into()));
        assert_ne!(token.map(|t| t.expose().to_string()), Some("own".into()));
        let unset = p
            .token(Some("USERDECK_TEST_SURELY_UNSET_5c1e"))
            .expect_err("an unset variable is an error");
        assert_eq!(
            unset.0,
            "--token-env USERDECK_TEST_SURELY_UNSET_5c1e: that environment variable is not set"
        );
    }

    #[test]
    fn the_profiles_token_command_comes_before_its_token() {
        // Only where USERDECK_TOKEN is not set: it would come first, as it should.
        if std::env::var("USERDECK_TOKEN").is_ok_and(|t| !t.trim().is_empty()) {
            return;
        }
        let both = resolved("token = \"own\"\ntoken_command = \"echo command\"");
        let (token, source) = both.token(None).expect("a token");
        assert_eq!(source, TokenSource::Command);
        assert_eq!(
            token.map(|t| t.expose().to_string()),
            Some("command".into())
        );
        let own = resolved("token = \"own\"");
        let (token, source) = own.token(None).expect("a token");
        assert_eq!(source, TokenSource::Profile);
        assert_eq!(token.map(|t| t.expose().to_string()), Some("own".into()));
        assert_eq!(
            resolved("").token(None).expect("no token is no error").1,
            TokenSource::None
        );
    }
}
