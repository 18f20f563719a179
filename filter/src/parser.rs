//! Recursive-descent parser for pcap-filter(7) expressions, accepting what libpcap's grammar
//! accepts.
//!
//! Two parts of that grammar need more than one token of lookahead here:
//! - after `and`/`or`, a bare id (`host a or b`, `port 80 or 443`) continues the previous
//!   primitive with the same qualifiers, while anything else starts a new primitive. The id
//!   reading is tried first and kept only when the id is followed by `and`, `or`, `)` or the
//!   end, as libpcap's parser decides;
//! - a `(` may open an arithmetic operand (`(ip[0] & 0xf) = 5`) or a parenthesized
//!   expression; the arithmetic reading is tried first.
//!
//! A failed attempt rewinds the token position; when every reading fails, the error reported is
//! the one that got furthest into the input.

use crate::ast::{AddressKind, Arith, BinaryOp, Direction, Expr, Id, Primitive, Protocol, Qualifiers, Relation};
use crate::error::{Result, Spanned};
use crate::lexer::{Keyword, Punct, Token, TokenKind};
use std::ops::Range;

/// Parses the tokens of `input`; `None` is the empty expression, which accepts every packet.
pub fn parse(tokens: &[Token], input_len: usize) -> Result<Option<Expr>> {
    let mut parser = Parser { tokens, position: 0, input_len, furthest_error: None, depth: 0 };
    if tokens.is_empty() {
        return Ok(None);
    }
    let result = parser.expr().and_then(|(expr, _)| match parser.peek() {
        None => Ok(expr),
        Some(_) => Err(parser.unexpected("'and', 'or' or the end of the expression")),
    });
    result.map(Some).map_err(|error| parser.furthest(error))
}

/// How deep parentheses, negations, operators switching between `and` and `or`, and
/// arithmetic operators may nest. Every later stage recurses over the parsed tree, so the limit
/// bounds their stack use too (libpcap's parser stack is bounded as well).
const MAX_NESTING: usize = 100;

/// Qualifiers an id after `and`/`or` may reuse; `None` after primitives that have none
/// (`ip`, `len > 5`, `vlan 3`), where a bare id is an error.
type Inherited = Option<Qualifiers>;

struct Parser<'a> {
    tokens: &'a [Token],
    position: usize,
    input_len: usize,
    furthest_error: Option<Spanned>,
    /// Current nesting, checked against [`MAX_NESTING`].
    depth: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&TokenKind> {
        self.peek_at(0)
    }

    fn peek_at(&self, ahead: usize) -> Option<&TokenKind> {
        self.tokens.get(self.position + ahead).map(|token| &token.kind)
    }

    fn span_here(&self) -> Range<usize> {
        self.tokens.get(self.position).map_or(self.input_len..self.input_len, |token| token.span.clone())
    }

    /// Span from the token at `start` to the last consumed token.
    fn span_from(&self, start: usize) -> Range<usize> {
        let begin = self.tokens.get(start).map_or(self.input_len, |token| token.span.start);
        let end =
            self.position.checked_sub(1).and_then(|last| self.tokens.get(last)).map_or(begin, |token| token.span.end);
        begin..end.max(begin)
    }

    fn advance(&mut self) -> Option<TokenKind> {
        let token = self.tokens.get(self.position)?.kind.clone();
        self.position += 1;
        Some(token)
    }

    fn eat_punct(&mut self, punct: Punct) -> bool {
        let found = self.peek() == Some(&TokenKind::Punct(punct));
        if found {
            self.position += 1;
        }
        found
    }

    fn eat_keyword(&mut self, keyword: Keyword) -> bool {
        let found = self.peek() == Some(&TokenKind::Keyword(keyword));
        if found {
            self.position += 1;
        }
        found
    }

    fn expect_punct(&mut self, punct: Punct, what: &str) -> Result<()> {
        if self.eat_punct(punct) { Ok(()) } else { Err(self.unexpected(what)) }
    }

    fn unexpected(&self, expected: &str) -> Spanned {
        let span = self.span_here();
        let message = match self.peek() {
            None => format!("syntax error: expected {expected}, found the end of the expression"),
            Some(TokenKind::Keyword(Keyword::Unsupported(word))) => {
                format!("'{word}' is not supported by this filter compiler")
            }
            Some(_) => format!("syntax error: expected {expected}"),
        };
        Spanned::new(message, span)
    }

    /// Remembers a failed attempt so that the final error can be the furthest one.
    fn note(&mut self, error: Spanned) {
        let further = self.furthest_error.as_ref().is_none_or(|known| error.span.start > known.span.start);
        if further {
            self.furthest_error = Some(error);
        }
    }

    fn furthest(&mut self, error: Spanned) -> Spanned {
        match self.furthest_error.take() {
            Some(known) if known.span.start > error.span.start => known,
            _ => error,
        }
    }

    /// Runs `attempt`; on failure rewinds to where it started and returns `None`.
    fn attempt<T>(&mut self, attempt: impl FnOnce(&mut Self) -> Result<T>) -> Option<T> {
        let (start, depth) = (self.position, self.depth);
        match attempt(self) {
            Ok(value) => Some(value),
            Err(error) => {
                self.note(error);
                self.position = start;
                self.depth = depth;
                None
            }
        }
    }

    /// Counts one more level of nesting.
    fn descend(&mut self) -> Result<()> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(Spanned::new(
                format!("expression nested too deeply (more than {MAX_NESTING} levels)"),
                self.span_here(),
            ));
        }
        Ok(())
    }

    /// Runs `parse` one nesting level deeper.
    fn nested<T>(&mut self, parse: impl FnOnce(&mut Self) -> Result<T>) -> Result<T> {
        self.descend()?;
        let result = parse(self);
        self.depth -= 1;
        result
    }

    fn eat_and_or(&mut self) -> Option<bool> {
        match self.peek() {
            Some(TokenKind::Keyword(Keyword::And)) => {
                self.position += 1;
                Some(true)
            }
            Some(TokenKind::Keyword(Keyword::Or)) => {
                self.position += 1;
                Some(false)
            }
            _ => None,
        }
    }

    /// `and` and `or` have equal precedence and group to the left.
    fn expr(&mut self) -> Result<(Expr, Inherited)> {
        let entry_depth = self.depth;
        let (mut expr, mut inherited) = self.term()?;
        while let Some(is_and) = self.eat_and_or() {
            let start = self.position;
            let right = match self.attempt(|parser| parser.continued_id(inherited)) {
                Some(id) => {
                    if inherited.is_none() {
                        // libpcap's parser commits to reading an id here, so a missing
                        // qualifier is an error rather than a reason to read it another way.
                        return Err(Spanned::new(
                            "syntax error: this value has no 'host', 'net', 'port' or 'proto' \
                             before it to continue",
                            self.span_from(start),
                        ));
                    }
                    id
                }
                None => {
                    let (term, term_qualifiers) = self.term()?;
                    inherited = term_qualifiers;
                    term
                }
            };
            let extends = matches!((&expr, is_and), (Expr::All(_), true) | (Expr::Any(_), false));
            if !extends {
                self.descend()?;
            }
            expr = expr.join(is_and, right);
        }
        self.depth = entry_depth;
        Ok((expr, inherited))
    }

    /// An id right after `and`/`or`, reusing the qualifiers of the primitive before it.
    fn continued_id(&mut self, inherited: Inherited) -> Result<Expr> {
        let id = self.id(inherited.unwrap_or_default())?;
        match self.peek() {
            None | Some(TokenKind::Keyword(Keyword::And | Keyword::Or)) | Some(TokenKind::Punct(Punct::RParen)) => {
                Ok(id)
            }
            Some(_) => Err(self.unexpected("'and', 'or' or ')'")),
        }
    }

    fn term(&mut self) -> Result<(Expr, Inherited)> {
        if self.eat_keyword(Keyword::Not) {
            let (term, inherited) = self.nested(Self::term)?;
            return Ok((Expr::Not(Box::new(term)), inherited));
        }
        self.rterm()
    }

    fn rterm(&mut self) -> Result<(Expr, Inherited)> {
        let start = self.position;
        let primitive = |parser: &Self, primitive: Primitive| Expr::Primitive(primitive, parser.span_from(start));
        let Some(token) = self.peek().cloned() else {
            return Err(self.unexpected("a primitive"));
        };
        match token {
            TokenKind::Punct(Punct::LParen) => {
                if let Some(relation) = self.attempt(Self::relation) {
                    return Ok((primitive(self, relation), None));
                }
                self.position += 1;
                let (expr, _) = self.nested(Self::expr)?;
                self.expect_punct(Punct::RParen, "')'")?;
                // libpcap does not carry qualifiers out of parentheses: in
                // `(host a) or b`, `b` has none.
                Ok((expr, None))
            }
            TokenKind::Keyword(Keyword::Protocol(protocol)) => match self.peek_at(1) {
                Some(TokenKind::Punct(Punct::LBracket)) => {
                    let relation = self.relation()?;
                    Ok((primitive(self, relation), None))
                }
                Some(TokenKind::Keyword(Keyword::Broadcast)) => {
                    self.position += 2;
                    Ok((primitive(self, Primitive::Broadcast(Some(protocol))), None))
                }
                Some(TokenKind::Keyword(Keyword::Multicast)) => {
                    self.position += 2;
                    Ok((primitive(self, Primitive::Multicast(Some(protocol))), None))
                }
                Some(TokenKind::Keyword(keyword)) if starts_head(*keyword) => {
                    self.position += 1;
                    self.head_and_id(Some(protocol))
                }
                _ => {
                    self.position += 1;
                    Ok((primitive(self, Primitive::Protocol(protocol)), None))
                }
            },
            TokenKind::Keyword(keyword) if starts_head(keyword) => self.head_and_id(None),
            TokenKind::Keyword(Keyword::Broadcast) => {
                self.position += 1;
                Ok((primitive(self, Primitive::Broadcast(None)), None))
            }
            TokenKind::Keyword(Keyword::Multicast) => {
                self.position += 1;
                Ok((primitive(self, Primitive::Multicast(None)), None))
            }
            TokenKind::Keyword(Keyword::Less | Keyword::Greater) => {
                self.position += 1;
                let Some(TokenKind::Number(length)) = self.peek().cloned() else {
                    return Err(self.unexpected("a number"));
                };
                self.position += 1;
                let bound = if token == TokenKind::Keyword(Keyword::Less) {
                    Primitive::Less(length)
                } else {
                    Primitive::Greater(length)
                };
                Ok((primitive(self, bound), None))
            }
            TokenKind::Keyword(Keyword::Inbound) => {
                self.position += 1;
                Ok((primitive(self, Primitive::Inbound), None))
            }
            TokenKind::Keyword(Keyword::Outbound) => {
                self.position += 1;
                Ok((primitive(self, Primitive::Outbound), None))
            }
            TokenKind::Term(term) => {
                self.position += 1;
                Ok((primitive(self, Primitive::Process(term)), None))
            }
            TokenKind::Keyword(Keyword::Pppoed) => {
                self.position += 1;
                Ok((primitive(self, Primitive::PppoeDiscovery), None))
            }
            // The primitives with an optional number.
            TokenKind::Keyword(keyword @ (Keyword::Vlan | Keyword::Mpls | Keyword::Pppoes | Keyword::Geneve)) => {
                self.position += 1;
                let number = self.attempt(Self::plain_number);
                let numbered = match keyword {
                    Keyword::Vlan => Primitive::Vlan(number),
                    Keyword::Mpls => Primitive::Mpls(number),
                    Keyword::Pppoes => Primitive::PppoeSession(number),
                    _ => Primitive::Geneve(number),
                };
                Ok((primitive(self, numbered), None))
            }
            TokenKind::Number(_) | TokenKind::Keyword(Keyword::Len) | TokenKind::Punct(Punct::Minus) => {
                let relation = self.relation()?;
                Ok((primitive(self, relation), None))
            }
            _ => Err(self.unexpected("a primitive")),
        }
    }

    /// `[src|dst|src or dst|src and dst] [host|net|port|portrange] id` or `proto id`, after
    /// an optional protocol qualifier that the caller consumed.
    fn head_and_id(&mut self, protocol: Option<Protocol>) -> Result<(Expr, Inherited)> {
        let mut qualifiers = Qualifiers { protocol, ..Qualifiers::default() };
        if self.eat_keyword(Keyword::Proto) {
            qualifiers.kind = AddressKind::Proto;
        } else if self.eat_keyword(Keyword::Protochain) {
            qualifiers.kind = AddressKind::Protochain;
        } else {
            if let Some(direction) = self.direction() {
                qualifiers.direction = direction;
            }
            qualifiers.kind = match self.peek() {
                Some(TokenKind::Keyword(Keyword::Host)) => AddressKind::Host,
                Some(TokenKind::Keyword(Keyword::Net)) => AddressKind::Net,
                Some(TokenKind::Keyword(Keyword::Port)) => AddressKind::Port,
                Some(TokenKind::Keyword(Keyword::Portrange)) => AddressKind::Portrange,
                _ => AddressKind::Default,
            };
            if qualifiers.kind != AddressKind::Default {
                self.position += 1;
            }
        }
        let id = self.id(qualifiers)?;
        Ok((id, Some(qualifiers)))
    }

    /// `src`, `dst`, and the two-word forms `src or dst`, `dst and src`, ...
    fn direction(&mut self) -> Option<Direction> {
        let first = match self.peek() {
            Some(TokenKind::Keyword(Keyword::Src)) => Keyword::Src,
            Some(TokenKind::Keyword(Keyword::Dst)) => Keyword::Dst,
            _ => return None,
        };
        self.position += 1;
        let other = if first == Keyword::Src { Keyword::Dst } else { Keyword::Src };
        let joined = match self.peek() {
            Some(TokenKind::Keyword(Keyword::Or)) => Some(Direction::SrcOrDst),
            Some(TokenKind::Keyword(Keyword::And)) => Some(Direction::SrcAndDst),
            _ => None,
        };
        if let Some(direction) = joined
            && self.peek_at(1) == Some(&TokenKind::Keyword(other))
        {
            self.position += 2;
            return Some(direction);
        }
        Some(if first == Keyword::Src { Direction::Src } else { Direction::Dst })
    }

    /// An id: an address, name or number, `not id`, or ids combined with `and`/`or` in
    /// parentheses, all sharing `qualifiers`.
    fn id(&mut self, qualifiers: Qualifiers) -> Result<Expr> {
        let start = self.position;
        let Some(token) = self.peek().cloned() else {
            return Err(self.unexpected("a host, network, port or protocol"));
        };
        let id = match token {
            TokenKind::Keyword(Keyword::Not) => {
                self.position += 1;
                let negated = self.nested(|parser| parser.id(qualifiers))?;
                return Ok(Expr::Not(Box::new(negated)));
            }
            TokenKind::Punct(Punct::LParen) => {
                self.position += 1;
                return self.nested(|parser| {
                    let mut ids = parser.id(qualifiers)?;
                    while let Some(is_and) = parser.eat_and_or() {
                        let right = parser.id(qualifiers)?;
                        ids = ids.join(is_and, right);
                    }
                    parser.expect_punct(Punct::RParen, "')'")?;
                    Ok(ids)
                });
            }
            TokenKind::Number(number) => {
                self.position += 1;
                Id::Number(number)
            }
            TokenKind::Name(name) => {
                self.position += 1;
                Id::Name(name)
            }
            TokenKind::Mac(mac) => {
                self.position += 1;
                Id::Mac(mac)
            }
            TokenKind::Ipv4(address) => {
                self.position += 1;
                if self.eat_punct(Punct::Slash) {
                    Id::Ipv4Prefix(address, self.prefix_length()?)
                } else if self.eat_keyword(Keyword::Mask) {
                    match self.advance() {
                        Some(TokenKind::Ipv4(mask)) => Id::Ipv4Masked(address, mask),
                        _ => {
                            self.position -= 1;
                            return Err(self.unexpected("a dotted IPv4 netmask"));
                        }
                    }
                } else {
                    Id::Ipv4(address)
                }
            }
            TokenKind::Ipv6(address) => {
                self.position += 1;
                if self.eat_punct(Punct::Slash) {
                    Id::Ipv6Prefix(address, self.prefix_length()?)
                } else {
                    Id::Ipv6(address)
                }
            }
            TokenKind::Keyword(Keyword::Protocol(protocol))
                if matches!(qualifiers.kind, AddressKind::Proto | AddressKind::Protochain) =>
            {
                return Err(Spanned::new(
                    format!(
                        "syntax error: a protocol name that is also a keyword must be escaped with a \
                         backslash, as in '\\{}'",
                        protocol.keyword()
                    ),
                    self.span_here(),
                ));
            }
            _ => return Err(self.unexpected("a host, network, port or protocol")),
        };
        let span = self.span_from(start);
        Ok(Expr::Primitive(Primitive::Qualified(qualifiers, id), span))
    }

    fn prefix_length(&mut self) -> Result<u32> {
        match self.peek() {
            Some(&TokenKind::Number(length)) => {
                self.position += 1;
                Ok(length)
            }
            _ => Err(self.unexpected("a prefix length")),
        }
    }

    /// A number, possibly in parentheses, as `vlan`, `mpls`, `pppoes` and `geneve` take.
    fn plain_number(&mut self) -> Result<u32> {
        match self.advance() {
            Some(TokenKind::Number(number)) => Ok(number),
            Some(TokenKind::Punct(Punct::LParen)) => {
                let number = self.nested(Self::plain_number)?;
                self.expect_punct(Punct::RParen, "')'")?;
                Ok(number)
            }
            _ => {
                self.position = self.position.saturating_sub(1);
                Err(self.unexpected("a number"))
            }
        }
    }

    fn relation(&mut self) -> Result<Primitive> {
        let left = self.arith(0)?;
        let relation = match self.peek() {
            Some(TokenKind::Punct(Punct::Eq)) => Relation::Eq,
            Some(TokenKind::Punct(Punct::Ne)) => Relation::Ne,
            Some(TokenKind::Punct(Punct::Lt)) => Relation::Lt,
            Some(TokenKind::Punct(Punct::Le)) => Relation::Le,
            Some(TokenKind::Punct(Punct::Gt)) => Relation::Gt,
            Some(TokenKind::Punct(Punct::Ge)) => Relation::Ge,
            _ => return Err(self.unexpected("a comparison operator")),
        };
        self.position += 1;
        let right = self.arith(0)?;
        Ok(Primitive::Relation(left, relation, right))
    }

    /// Binary operators by precedence climbing, with C's levels: `|` < `^` < `&` <
    /// shifts < `+ -` < `* / %`, all grouping to the left.
    fn arith(&mut self, min_level: u8) -> Result<Arith> {
        let (start, entry_depth) = (self.position, self.depth);
        let mut left = self.arith_unary()?;
        while let Some((op, level)) = self.peek().and_then(binary_operator) {
            if level < min_level {
                break;
            }
            self.descend()?;
            self.position += 1;
            let right = self.arith(level + 1)?;
            let span = self.span_from(start);
            left = Arith::Binary(op, Box::new(left), Box::new(right), span);
        }
        self.depth = entry_depth;
        Ok(left)
    }

    fn arith_unary(&mut self) -> Result<Arith> {
        if self.eat_punct(Punct::Minus) {
            return Ok(Arith::Negate(Box::new(self.nested(Self::arith_unary)?)));
        }
        let start = self.position;
        match self.peek().cloned() {
            Some(TokenKind::Number(value)) => {
                self.position += 1;
                Ok(Arith::Constant(value))
            }
            Some(TokenKind::Keyword(Keyword::Len)) => {
                self.position += 1;
                Ok(Arith::Length)
            }
            Some(TokenKind::Punct(Punct::LParen)) => {
                self.position += 1;
                let inner = self.nested(|parser| parser.arith(0))?;
                self.expect_punct(Punct::RParen, "')'")?;
                Ok(inner)
            }
            Some(TokenKind::Keyword(Keyword::Protocol(protocol)))
                if self.peek_at(1) == Some(&TokenKind::Punct(Punct::LBracket)) =>
            {
                self.position += 2;
                let index = self.nested(|parser| parser.arith(0))?;
                let mut size = 1;
                if self.eat_punct(Punct::Colon) {
                    let Some(&TokenKind::Number(requested)) = self.peek() else {
                        return Err(self.unexpected("a size of 1, 2 or 4"));
                    };
                    if ![1, 2, 4].contains(&requested) {
                        return Err(Spanned::new("data size must be 1, 2, or 4", self.span_here()));
                    }
                    self.position += 1;
                    size = requested;
                }
                self.expect_punct(Punct::RBracket, "']'")?;
                Ok(Arith::Load { protocol, index: Box::new(index), size, span: self.span_from(start) })
            }
            _ => Err(self.unexpected("a number, 'len' or a packet access such as 'ip[0]'")),
        }
    }
}

fn starts_head(keyword: Keyword) -> bool {
    matches!(
        keyword,
        Keyword::Src
            | Keyword::Dst
            | Keyword::Host
            | Keyword::Net
            | Keyword::Port
            | Keyword::Portrange
            | Keyword::Proto
            | Keyword::Protochain
    )
}

fn binary_operator(token: &TokenKind) -> Option<(BinaryOp, u8)> {
    let TokenKind::Punct(punct) = token else {
        return None;
    };
    Some(match punct {
        Punct::Pipe => (BinaryOp::Or, 1),
        Punct::Caret => (BinaryOp::Xor, 2),
        Punct::Amp => (BinaryOp::And, 3),
        Punct::Shl => (BinaryOp::Shl, 4),
        Punct::Shr => (BinaryOp::Shr, 4),
        Punct::Plus => (BinaryOp::Add, 5),
        Punct::Minus => (BinaryOp::Sub, 5),
        Punct::Star => (BinaryOp::Mul, 6),
        Punct::Slash => (BinaryOp::Div, 6),
        Punct::Percent => (BinaryOp::Mod, 6),
        _ => return None,
    })
}
