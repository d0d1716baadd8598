//! Colours for terminals of 8 or 16 colours. crossterm writes every colour in the 256
//! colour form (`38;5;N`), which such terminals (the Linux console, `TERM=xterm` of old,
//! some serial consoles) do not know: this rewrites colours 0–15 in the classic codes,
//! `30–37`/`90–97` (backgrounds `40–47`/`100–107`), and on 8 colours folds the bright
//! ones onto the eight. Bytes pass through a small state machine, since a sequence can be
//! split across writes.

/// Rewrites the SGR colour sequences of a byte stream.
#[derive(Debug, Default)]
pub struct ClassicColors {
    /// Only the eight: bright colours fold onto them.
    eight: bool,
    /// A control sequence (`ESC [ …`) read so far, not yet written.
    pending: Vec<u8>,
}

impl ClassicColors {
    pub fn new(eight: bool) -> ClassicColors {
        ClassicColors {
            eight,
            pending: Vec::new(),
        }
    }

    /// `input` as it should reach the terminal, appended to `out`; an unfinished
    /// sequence at its end is held for the next call.
    pub fn rewrite(&mut self, input: &[u8], out: &mut Vec<u8>) {
        for &byte in input {
            if self.pending.is_empty() {
                if byte == 0x1b {
                    self.pending.push(byte);
                } else {
                    out.push(byte);
                }
                continue;
            }
            self.pending.push(byte);
            match (self.pending.len(), byte) {
                // ESC then anything but '[' is not a control sequence: let it through.
                (2, b'[') => {}
                (2, _) => out.append(&mut self.pending),
                // A control sequence ends with a byte from '@' to '~'.
                (_, 0x40..=0x7e) => {
                    if byte == b'm' {
                        self.write_sgr(out);
                    } else {
                        out.append(&mut self.pending);
                    }
                }
                // Far longer than any sequence we write: not ours to understand.
                (len, _) if len > 64 => out.append(&mut self.pending),
                _ => {}
            }
        }
    }

    /// Writes the held `ESC [ params m`, its 256-colour parameters in classic form.
    fn write_sgr(&mut self, out: &mut Vec<u8>) {
        let sequence = std::mem::take(&mut self.pending);
        let params = &sequence[2..sequence.len() - 1];
        let Ok(params) = std::str::from_utf8(params) else {
            out.extend_from_slice(&sequence);
            return;
        };
        let parts: Vec<&str> = params.split(';').collect();
        let mut written: Vec<String> = Vec::with_capacity(parts.len());
        let mut i = 0;
        while i < parts.len() {
            let classic = match (parts[i], parts.get(i + 1), parts.get(i + 2)) {
                (kind @ ("38" | "48"), Some(&"5"), Some(n)) => n
                    .parse::<u8>()
                    .ok()
                    .filter(|n| *n < 16)
                    .map(|n| self.classic(kind == "48", n)),
                _ => None,
            };
            match classic {
                Some(code) => {
                    written.push(code.to_string());
                    i += 3;
                }
                None => {
                    written.push(parts[i].to_string());
                    i += 1;
                }
            }
        }
        out.extend_from_slice(b"\x1b[");
        out.extend_from_slice(written.join(";").as_bytes());
        out.push(b'm');
    }

    /// The classic code of colour `n` (0–15), foreground or background.
    fn classic(&self, background: bool, n: u8) -> u16 {
        let (base, bright) = if background { (40, 100) } else { (30, 90) };
        match n {
            0..=7 => base + u16::from(n),
            _ if self.eight => base + u16::from(n - 8),
            _ => bright + u16::from(n - 8),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn through(eight: bool, chunks: &[&[u8]]) -> String {
        let mut colors = ClassicColors::new(eight);
        let mut out = Vec::new();
        for chunk in chunks {
            colors.rewrite(chunk, &mut out);
        }
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn indexed_colours_under_16_become_classic_codes_the_rest_passes() {
        let input: &[u8] =
            b"a\x1b[38;5;1mred\x1b[48;5;11mY\x1b[38;5;200mx\x1b[1;38;5;8mg\x1b[0m\x1b[2;3H";
        assert_eq!(
            through(false, &[input]),
            "a\x1b[31mred\x1b[103mY\x1b[38;5;200mx\x1b[1;90mg\x1b[0m\x1b[2;3H"
        );
        assert_eq!(
            through(true, &[input]),
            "a\x1b[31mred\x1b[43mY\x1b[38;5;200mx\x1b[1;30mg\x1b[0m\x1b[2;3H"
        );
    }

    #[test]
    fn a_sequence_split_across_writes_is_rewritten_whole() {
        assert_eq!(
            through(false, &[b"ok\x1b", b"[38;", b"5;6", b"m\xe2\x94", b"\x80"]),
            "ok\x1b[36m─"
        );
        // Not a control sequence: an OSC (the clipboard's) passes as written.
        assert_eq!(
            through(false, &[b"\x1b]52;c;aGk=\x07"]),
            "\x1b]52;c;aGk=\x07"
        );
    }
}
