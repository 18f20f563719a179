//! Jump threading for compiled programs: the kernel runs fewer instructions for the same verdicts.
//!
//! The code generator tests every primitive from scratch, as libpcap's unoptimized programs do: `port 1000 or port
//! 1001` loads and tests the ethertype, the IP protocol and the fragment offset again for the second port. Along
//! each jump, the outcomes of the tests before it are known; this pass sends the jump past the tests and loads
//! whose outcome and effect are known there, and drops the code no jump reaches any more.
//!
//! What is known is computed by a forward pass over the program (jumps only go forward), meeting the states of all
//! paths into an instruction: the values of A, X and the scratch words as symbolic expressions of the packet
//! ([`Value`]), the comparisons known to hold or fail, and the loads known to have succeeded. Those facts are
//! properties of the packet alone, so they stay true whichever way a rewritten program reaches a place. A jump is
//! sent from `t` to a later `p` only where running `t..p` would change nothing the code from `p` on reads: every
//! test in between has a known outcome, every load in between is one that already succeeded (a load past the
//! packet's end must still reject), nothing in between writes scratch memory or can divide by zero, and A and X
//! are either dead at `p` (written before read, by the original program's liveness) or hold the same value as they
//! would have. Registers dead where a state is taken count as unknown, so no rewrite relies on a value that another
//! rewrite may have left different in a dead register: liveness can only shrink.
//!
//! Threading leaves each primitive's own loads: `port 1000 or port 1001` still loads the source and destination
//! ports once per port, and a load from the packet is the dearest instruction in the kernel (a bounds check and a
//! byte swap). So a last pass keeps each field loaded more than once in a scratch word the program does not use: a
//! store after each load of it, and the loads where that word holds the field on every path read the word instead.
//! Stores that change nothing or that nothing reads go again.
//!
//! Programs with jumps back (`protochain`'s loops) are left as they are, as libpcap leaves them unoptimized, and so
//! are programs with instructions the interpreter would refuse.

use std::collections::HashMap;

use crate::program::{DIRECTION_LOAD_OFFSET, Instruction, MEMORY_WORDS, opcode};
use crate::terms::PROCESS_TERMS_LOAD_OFFSET;

/// Facts kept per state: beyond, new ones are not recorded (the first are the link and network tests that later
/// primitives repeat), which bounds the work on long expressions.
const MAX_FACTS: usize = 64;
/// Instructions one rewritten jump may skip: bounds the work on long expressions.
const MAX_SKIPPED: usize = 128;
/// Passes at most: of threading and removing loads (a pass can open chains for the next), and of fitting the stores
/// of fields kept in scratch words under jumps that reach no farther.
const MAX_PASSES: usize = 4;

/// The program with the same result as `program` for every packet, wire length, direction and matched terms, in as
/// few instructions on each path as jump threading gets it.
pub fn optimize(program: &[Instruction]) -> Vec<Instruction> {
    let Some(mut graph) = Graph::new(program) else { return program.to_vec() };
    for _ in 0..MAX_PASSES {
        let threaded = graph.thread();
        graph = graph.relaid();
        if !graph.remove_redundant_loads() && !threaded {
            break;
        }
        graph = graph.relaid();
    }
    let threaded = graph.layout();
    // The stores it adds could make a program that threading left as it was longer.
    match reuse_loaded_fields(&threaded) {
        Some(reusing) if reusing.len() <= program.len() => reusing,
        _ => threaded,
    }
}

/// `program` with each packet field it loads more than once kept in a free scratch word (see the module's
/// documentation); `None` when no field is loaded twice, no word is free, or the stores keep stretching jumps beyond
/// their 8 bits.
fn reuse_loaded_fields(program: &[Instruction]) -> Option<Vec<Instruction>> {
    let mut values = Values::default();
    // The field each packet load reads, where known, and how many loads read it.
    let fields: Vec<Option<ValueId>> = (Graph::new(program)?.entry_states(&mut values).iter().zip(program))
        .map(|(state, &instruction)| state.as_ref().and_then(|state| loaded_field(&mut values, state, instruction)))
        .collect();
    let mut loads: HashMap<ValueId, usize> = HashMap::new();
    for field in fields.iter().flatten() {
        *loads.entry(*field).or_default() += 1;
    }
    let mut repeated: Vec<(ValueId, usize)> = loads.into_iter().filter(|&(_, count)| count > 1).collect();
    // The most loaded first, as there may be fewer free words than fields (ids break ties: the same program each
    // time).
    repeated.sort_by_key(|&(field, count)| (std::cmp::Reverse(count), field));
    let words: HashMap<ValueId, u32> = repeated.into_iter().map(|(field, _)| field).zip(free_words(program)).collect();
    if words.is_empty() {
        return None;
    }
    let mut stores: Vec<Option<u32>> = fields.iter().map(|field| words.get(&(*field)?).copied()).collect();
    for _ in 0..MAX_PASSES {
        let mut graph = Graph::new(program)?;
        graph.read_fields_from_words(&mut values, &fields, stores.clone());
        match graph.laid_out() {
            Ok(stored) => {
                let mut graph = Graph::new(&stored)?;
                graph.remove_redundant_loads();
                return Some(graph.layout());
            }
            // Threading stretched jumps as far as they reach: such a jump goes over no store.
            Err(crowded) => {
                for pc in crowded {
                    stores[pc] = None;
                }
            }
        }
    }
    None
}

/// The field of the packet a load from it (`ld [k]`, `ld [x + k]`, `ldx 4*([k]&0xf)`) reads, where it is known.
fn loaded_field(values: &mut Values, state: &State, instruction: Instruction) -> Option<ValueId> {
    let Instruction { code, k, .. } = instruction;
    let from_packet = match (opcode::class(code), opcode::mode(code)) {
        (opcode::LD, opcode::ABS) => k != DIRECTION_LOAD_OFFSET && k != PROCESS_TERMS_LOAD_OFFSET,
        (opcode::LD, opcode::IND) | (opcode::LDX, opcode::MSH) => true,
        _ => false,
    };
    if !from_packet {
        return None;
    }
    let mut after = state.clone();
    execute(values, &mut after, instruction);
    if opcode::class(code) == opcode::LD { after.a } else { after.x }
}

/// The scratch words no instruction of `program` stores to or loads from.
fn free_words(program: &[Instruction]) -> impl Iterator<Item = u32> {
    let used: Vec<u32> = program.iter().filter_map(|instruction| scratch_word(*instruction)).collect();
    (0..MEMORY_WORDS).filter(move |word| !used.contains(word))
}

/// The scratch word `instruction` stores to or loads from, if it does.
fn scratch_word(instruction: Instruction) -> Option<u32> {
    let Instruction { code, k, .. } = instruction;
    match opcode::class(code) {
        opcode::ST | opcode::STX => Some(k),
        opcode::LD | opcode::LDX if opcode::mode(code) == opcode::MEM => Some(k),
        _ => None,
    }
}

/// A symbolic value: a function of the packet, its wire length, direction and matched terms.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Value {
    Constant(u32),
    WireLength,
    /// `ld [k]` of a size (including the direction and process terms loads).
    Absolute {
        size: u16,
        k: u32,
    },
    /// `ld [x + k]` with X holding `x`.
    Indexed {
        size: u16,
        x: ValueId,
        k: u32,
    },
    /// `ldx 4*([k]&0xf)`.
    HeaderLength {
        k: u32,
    },
    /// An ALU operation of A (`a`) with its operand.
    Arithmetic {
        op: u16,
        a: ValueId,
        operand: ValueId,
    },
}

type ValueId = u32;

#[derive(Default)]
struct Values {
    ids: HashMap<Value, ValueId>,
    kinds: Vec<Value>,
}

impl Values {
    fn id(&mut self, value: Value) -> ValueId {
        *self.ids.entry(value).or_insert_with(|| {
            self.kinds.push(value);
            (self.kinds.len() - 1) as ValueId
        })
    }

    fn constant(&self, id: ValueId) -> Option<u32> {
        match self.kinds[id as usize] {
            Value::Constant(k) => Some(k),
            _ => None,
        }
    }
}

/// A comparison known to hold or fail: `value <op> operand`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Fact {
    value: ValueId,
    op: u16,
    operand: ValueId,
    holds: bool,
}

/// What holds on every path into an instruction. `None` for a register or word: unknown.
#[derive(Clone, Debug, PartialEq, Eq)]
struct State {
    a: Option<ValueId>,
    x: Option<ValueId>,
    memory: [Option<ValueId>; MEMORY_WORDS as usize],
    /// The packet has at least this many bytes: a load that ended there succeeded.
    readable: u32,
    /// Other loads that succeeded (indexed, direction), sorted.
    loaded: Vec<ValueId>,
    facts: Vec<Fact>,
}

impl State {
    fn start(values: &mut Values) -> State {
        let zero = Some(values.id(Value::Constant(0)));
        State {
            a: zero,
            x: zero,
            memory: [zero; MEMORY_WORDS as usize],
            readable: 0,
            loaded: Vec::new(),
            facts: Vec::new(),
        }
    }

    /// What holds on both paths.
    fn meet(&mut self, other: &State) {
        let keep = |mine: &mut Option<ValueId>, theirs: Option<ValueId>| {
            if *mine != theirs {
                *mine = None;
            }
        };
        keep(&mut self.a, other.a);
        keep(&mut self.x, other.x);
        for (mine, theirs) in self.memory.iter_mut().zip(other.memory) {
            keep(mine, theirs);
        }
        self.readable = self.readable.min(other.readable);
        self.loaded.retain(|id| other.loaded.binary_search(id).is_ok());
        self.facts.retain(|fact| other.facts.contains(fact));
    }

    fn learn(&mut self, fact: Fact) {
        if self.facts.len() < MAX_FACTS && !self.facts.contains(&fact) {
            self.facts.push(fact);
        }
    }

    fn record_load(&mut self, id: ValueId) {
        if let Err(at) = self.loaded.binary_search(&id) {
            self.loaded.insert(at, id);
        }
    }
}

/// Registers read before written from an instruction on.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
struct Live {
    a: bool,
    x: bool,
}

/// The program with each instruction's successors as indices.
struct Graph {
    program: Vec<Instruction>,
    /// Per instruction: where it goes next, for a jump when its condition holds and when it fails (`ja`: both the
    /// same).
    targets: Vec<(usize, usize)>,
    /// Per instruction: whether it changes nothing where it is, so that it can go.
    redundant: Vec<bool>,
    /// Per instruction: the scratch word its register is stored to right after it, by a store the layout inserts
    /// (see `reuse_loaded_fields`).
    stores_after: Vec<Option<u32>>,
}

impl Graph {
    /// `None` for programs the pass leaves alone: jumps back or out of the program, running off its end,
    /// instructions the interpreter refuses.
    fn new(program: &[Instruction]) -> Option<Graph> {
        let mut targets = Vec::with_capacity(program.len());
        for (pc, instruction) in program.iter().enumerate() {
            if !is_understood(instruction) {
                return None;
            }
            let after = |skip: u32| (pc + 1).checked_add(usize::try_from(skip).ok()?).filter(|&t| t < program.len());
            let target = match opcode::class(instruction.code) {
                opcode::JMP if opcode::op(instruction.code) == opcode::JA => {
                    // A negative offset, read as signed, goes back.
                    let to = after(instruction.k).filter(|_| instruction.k.cast_signed() >= 0)?;
                    (to, to)
                }
                opcode::JMP => (after(instruction.jt.into())?, after(instruction.jf.into())?),
                opcode::RET => (pc, pc),
                _ => {
                    let next = after(0)?;
                    (next, next)
                }
            };
            targets.push(target);
        }
        let count = program.len();
        Some(Graph {
            program: program.to_vec(),
            targets,
            redundant: vec![false; count],
            stores_after: vec![None; count],
        })
    }

    /// The graph of the program [`Graph::layout`] writes.
    fn relaid(&self) -> Graph {
        Graph::new(&self.layout()).expect("a laid out program is valid")
    }

    /// The states along the edges out of the instruction at `pc`, entered in `state`.
    fn edges(&self, values: &mut Values, pc: usize, state: &State) -> Vec<(usize, State)> {
        let instruction = self.program[pc];
        if !self.is_conditional(pc) {
            let mut after = state.clone();
            execute(values, &mut after, instruction);
            if let Some(word) = self.stores_after[pc] {
                let register = if opcode::class(instruction.code) == opcode::LD { after.a } else { after.x };
                after.memory[word as usize] = register;
            }
            return self.successors(pc).map(|next| (next, after.clone())).collect();
        }
        let (taken, not_taken) = self.targets[pc];
        let operand = operand(values, state, instruction);
        let edge = |target: usize, holds: bool| {
            let mut state = state.clone();
            if let (Some(value), Some(operand)) = (state.a, operand) {
                state.learn(Fact { value, op: opcode::op(instruction.code), operand, holds });
            }
            (target, state)
        };
        vec![edge(taken, true), edge(not_taken, false)]
    }

    /// What holds on entry to each instruction, met over every path into it that a packet can take; `None` where
    /// none goes.
    fn entry_states(&self, values: &mut Values) -> Vec<Option<State>> {
        let mut states: Vec<Option<State>> = vec![None; self.program.len()];
        states[0] = Some(State::start(values));
        for pc in 0..self.program.len() {
            let Some(state) = states[pc].clone() else { continue };
            // A jump whose outcome the facts tell never takes its other edge.
            let known = self.known_outcome(values, &state, pc);
            for (index, (target, edge)) in self.edges(values, pc, &state).into_iter().enumerate() {
                if known.is_some_and(|holds| holds != (index == 0)) {
                    continue;
                }
                match &mut states[target] {
                    Some(existing) => existing.meet(&edge),
                    empty => *empty = Some(edge),
                }
            }
        }
        states
    }

    /// Marks the loads of what their register holds already, where the load cannot fail (it succeeded on every
    /// path there): the program is the same without them. Whether it found one.
    fn remove_redundant_loads(&mut self) -> bool {
        let mut values = Values::default();
        for (pc, state) in self.entry_states(&mut values).into_iter().enumerate() {
            let Some(state) = state else { continue };
            let instruction = self.program[pc];
            let register = match opcode::class(instruction.code) {
                opcode::LD => Some(state.a),
                opcode::LDX => Some(state.x),
                _ => None,
            };
            if let Some(Some(held)) = register
                && load_known_to_succeed(&mut values, &state, instruction)
            {
                let mut after = state.clone();
                execute(&mut values, &mut after, instruction);
                let loaded = if opcode::class(instruction.code) == opcode::LD { after.a } else { after.x };
                self.redundant[pc] = loaded == Some(held);
            }
        }
        self.redundant.contains(&true)
    }

    /// With the loads of `fields` stored to the words of `stores` (in `stores_after`): each such load
    /// where its word holds its field on every path reads the word instead, which cannot fail (the field was
    /// loaded before it on every path), and stores no such read needs are dropped.
    fn read_fields_from_words(&mut self, values: &mut Values, fields: &[Option<ValueId>], stores: Vec<Option<u32>>) {
        self.stores_after = stores;
        for (pc, state) in self.entry_states(values).into_iter().enumerate() {
            if let (Some(state), Some(word)) = (state, self.stores_after[pc])
                && state.memory[word as usize] == fields[pc]
            {
                let class = opcode::class(self.program[pc].code);
                self.program[pc] = Instruction::statement(class | opcode::W | opcode::MEM, word);
                // The word holds the field already.
                self.stores_after[pc] = None;
            }
        }
        let read = self.words_read_after();
        for (pc, store) in self.stores_after.iter_mut().enumerate() {
            if store.is_some_and(|word| read[pc] & 1 << word == 0) {
                *store = None;
            }
        }
    }

    /// Per instruction, the scratch words (bit i for word i) that some path from after it (its store included)
    /// reads before writing.
    fn words_read_after(&self) -> Vec<u16> {
        let mut live_in = vec![0u16; self.program.len()];
        let mut live_out = vec![0u16; self.program.len()];
        for pc in (0..self.program.len()).rev() {
            live_out[pc] = self.successors(pc).fold(0, |words, next| words | live_in[next]);
            let stored = self.stores_after[pc].map_or(0, |word| 1 << word);
            let instruction = self.program[pc];
            let after_instruction = live_out[pc] & !stored;
            live_in[pc] = match scratch_word(instruction) {
                Some(word) if matches!(opcode::class(instruction.code), opcode::ST | opcode::STX) => {
                    after_instruction & !(1 << word)
                }
                Some(word) => after_instruction | 1 << word,
                None => after_instruction,
            };
        }
        live_out
    }

    /// Whether the conditional jump at `pc` is taken, where the facts of `state` tell.
    fn known_outcome(&self, values: &mut Values, state: &State, pc: usize) -> Option<bool> {
        let instruction = self.program[pc];
        if !self.is_conditional(pc) {
            return None;
        }
        let operand = operand(values, state, instruction)?;
        outcome(values, state, opcode::op(instruction.code), state.a?, operand)
    }

    fn is_conditional(&self, pc: usize) -> bool {
        let code = self.program[pc].code;
        opcode::class(code) == opcode::JMP && opcode::op(code) != opcode::JA
    }

    fn successors(&self, pc: usize) -> impl Iterator<Item = usize> {
        let (taken, not_taken) = self.targets[pc];
        let none = opcode::class(self.program[pc].code) == opcode::RET;
        [taken, not_taken].into_iter().take(if none {
            0
        } else if taken == not_taken {
            1
        } else {
            2
        })
    }

    /// Per instruction, the registers live into it.
    fn liveness(&self) -> Vec<Live> {
        let mut live = vec![Live::default(); self.program.len()];
        for pc in (0..self.program.len()).rev() {
            let mut out = Live::default();
            for next in self.successors(pc) {
                out.a |= live[next].a;
                out.x |= live[next].x;
            }
            let Instruction { code, .. } = self.program[pc];
            let reads_x_operand = opcode::src(code) == opcode::X;
            live[pc] = match opcode::class(code) {
                opcode::LD => Live { a: false, x: out.x || opcode::mode(code) == opcode::IND },
                opcode::LDX => Live { a: out.a, x: false },
                opcode::ST => Live { a: true, x: out.x },
                opcode::STX => Live { a: out.a, x: true },
                opcode::ALU => Live { a: true, x: out.x || (reads_x_operand && opcode::op(code) != opcode::NEG) },
                opcode::JMP if opcode::op(code) == opcode::JA => out,
                opcode::JMP => Live { a: true, x: out.x || reads_x_operand },
                opcode::RET => Live { a: opcode::rval(code) == opcode::A, x: false },
                _ if opcode::misc_op(code) == opcode::TAX => Live { a: true, x: false },
                _ => Live { a: false, x: true },
            };
        }
        live
    }

    /// One pass of threading over every jump; whether it changed one.
    fn thread(&mut self) -> bool {
        let mut values = Values::default();
        let live = self.liveness();
        let mut states: Vec<Option<State>> = vec![None; self.program.len()];
        states[0] = Some(State::start(&mut values));
        let mut changed = false;
        for pc in 0..self.program.len() {
            let Some(mut state) = states[pc].take() else { continue };
            if !live[pc].a {
                state.a = None;
            }
            if !live[pc].x {
                state.x = None;
            }
            let instruction = self.program[pc];
            let jumps = opcode::class(instruction.code) == opcode::JMP;
            for (index, (target, edge)) in self.edges(&mut values, pc, &state).into_iter().enumerate() {
                let target = if jumps { self.thread_edge(&mut values, &live, pc, target, &edge) } else { target };
                let (taken, not_taken) = &mut self.targets[pc];
                if jumps && target != if index == 0 { *taken } else { *not_taken } {
                    changed = true;
                    // `ja` has one edge, and both targets the same.
                    if index == 0 || opcode::op(instruction.code) == opcode::JA {
                        *taken = target;
                    }
                    if index == 1 || opcode::op(instruction.code) == opcode::JA {
                        *not_taken = target;
                    }
                }
                match &mut states[target] {
                    Some(existing) => existing.meet(&edge),
                    empty => *empty = Some(edge),
                }
            }
        }
        changed
    }

    /// The furthest place from `target` on that the jump at `from` can go to instead with the same effect, its
    /// state being `edge` on the way.
    fn thread_edge(&self, values: &mut Values, live: &[Live], from: usize, target: usize, edge: &State) -> usize {
        let mut simulated = edge.clone();
        let (mut wrote_a, mut wrote_x) = (false, false);
        let mut best = target;
        let mut pc = target;
        let reach = if self.is_conditional(from) { from + 1 + usize::from(u8::MAX) } else { usize::MAX };
        for _ in 0..MAX_SKIPPED {
            let instruction = self.program[pc];
            let Some(next) = self.skip(values, &mut simulated, pc, instruction, &mut wrote_a, &mut wrote_x) else {
                break;
            };
            pc = next;
            if pc > reach {
                break;
            }
            let same =
                |wrote: bool, now: Option<ValueId>, before: Option<ValueId>| !wrote || (now.is_some() && now == before);
            if (!live[pc].a || same(wrote_a, simulated.a, edge.a))
                && (!live[pc].x || same(wrote_x, simulated.x, edge.x))
            {
                best = pc;
            }
        }
        best
    }

    /// Where running `instruction` at `pc` leads, if that is known and it can neither fail nor write memory; its
    /// effect on the registers goes into `state`.
    fn skip(
        &self,
        values: &mut Values,
        state: &mut State,
        pc: usize,
        instruction: Instruction,
        wrote_a: &mut bool,
        wrote_x: &mut bool,
    ) -> Option<usize> {
        let Instruction { code, k, .. } = instruction;
        match opcode::class(code) {
            opcode::JMP if opcode::op(code) == opcode::JA => return Some(self.targets[pc].0),
            opcode::JMP => {
                let holds = self.known_outcome(values, state, pc)?;
                return Some(if holds { self.targets[pc].0 } else { self.targets[pc].1 });
            }
            opcode::LD | opcode::LDX if !load_known_to_succeed(values, state, instruction) => return None,
            opcode::ALU
                if matches!(opcode::op(code), opcode::DIV | opcode::MOD)
                    && (opcode::src(code) == opcode::X || k == 0) =>
            {
                return None;
            }
            opcode::LD | opcode::ALU => *wrote_a = true,
            opcode::MISC if opcode::misc_op(code) == opcode::TXA => *wrote_a = true,
            opcode::LDX | opcode::MISC => *wrote_x = true,
            _ => return None,
        }
        execute(values, state, instruction);
        Some(self.targets[pc].0)
    }

    /// The program without the instructions no path reaches and the redundant ones.
    fn layout(&self) -> Vec<Instruction> {
        self.laid_out().expect("with no stores to insert, distances only shrink")
    }

    /// [`Graph::layout`], with the stores of `stores_after` after their instructions; else, where a conditional
    /// jump would no longer reach over the stores, the instructions whose stores it goes over.
    fn laid_out(&self) -> Result<Vec<Instruction>, Vec<usize>> {
        let count = self.program.len();
        let mut reached = vec![false; count];
        reached[0] = true;
        for pc in 0..count {
            if reached[pc] {
                for next in self.successors(pc) {
                    reached[next] = true;
                }
            }
        }
        // A redundant instruction is a statement: whatever comes to it goes on to the next one kept, reached too.
        let kept: Vec<bool> = (0..count).map(|pc| reached[pc] && !self.redundant[pc]).collect();
        let store_after = |pc: usize| self.stores_after[pc].filter(|_| kept[pc]);
        let mut index = vec![0usize; count];
        let mut next_index = 0;
        for pc in 0..count {
            index[pc] = next_index;
            next_index += usize::from(kept[pc]) + usize::from(store_after(pc).is_some());
        }
        let mut out = Vec::with_capacity(next_index);
        let mut crowded = Vec::new();
        for pc in (0..count).filter(|&pc| kept[pc]) {
            let mut instruction = self.program[pc];
            let (taken, not_taken) = self.targets[pc];
            let distance = |to: usize| index[to] - index[pc] - 1;
            if opcode::class(instruction.code) == opcode::JMP {
                if opcode::op(instruction.code) == opcode::JA {
                    instruction.k = distance(taken) as u32;
                } else {
                    let mut reach = |to: usize, skip: &mut u8| match u8::try_from(distance(to)) {
                        Ok(distance) => *skip = distance,
                        Err(_) => crowded.extend((pc..to).filter(|&over| store_after(over).is_some())),
                    };
                    reach(taken, &mut instruction.jt);
                    reach(not_taken, &mut instruction.jf);
                }
            }
            out.push(instruction);
            if let Some(word) = store_after(pc) {
                let store = if opcode::class(instruction.code) == opcode::LD { opcode::ST } else { opcode::STX };
                out.push(Instruction::statement(store, word));
            }
        }
        if crowded.is_empty() { Ok(out) } else { Err(crowded) }
    }
}

/// Whether the interpreter runs `instruction` (or may reject the packet with it only through a load past the
/// packet's end or a division by zero).
fn is_understood(instruction: &Instruction) -> bool {
    let Instruction { code, k, .. } = *instruction;
    let size = opcode::size(code);
    let in_memory = k < MEMORY_WORDS;
    let sized = matches!(size, opcode::W | opcode::H | opcode::B);
    match opcode::class(code) {
        opcode::LD => {
            let mode = opcode::mode(code);
            code == opcode::LD | size | mode
                && match mode {
                    opcode::IMM | opcode::LEN => size == opcode::W,
                    opcode::MEM => size == opcode::W && in_memory,
                    opcode::ABS | opcode::IND => sized,
                    _ => false,
                }
        }
        opcode::LDX => {
            code == opcode::LDX | opcode::IMM
                || code == opcode::LDX | opcode::LEN
                || code == opcode::LDX | opcode::MEM && in_memory
                || code == opcode::LDX | opcode::B | opcode::MSH
        }
        opcode::ST | opcode::STX => code & !0x07 == 0 && in_memory,
        opcode::ALU => {
            matches!(
                opcode::op(code),
                opcode::ADD
                    | opcode::SUB
                    | opcode::MUL
                    | opcode::DIV
                    | opcode::MOD
                    | opcode::AND
                    | opcode::OR
                    | opcode::XOR
                    | opcode::LSH
                    | opcode::RSH
                    | opcode::NEG
            ) && code & !0xf8 == opcode::ALU
        }
        opcode::JMP => {
            matches!(opcode::op(code), opcode::JA | opcode::JEQ | opcode::JGT | opcode::JGE | opcode::JSET)
                && code & !0xf8 == opcode::JMP
        }
        opcode::RET => code == opcode::RET | opcode::K || code == opcode::RET | opcode::A,
        _ => code == opcode::MISC | opcode::TAX || code == opcode::MISC | opcode::TXA,
    }
}

/// The operand of a jump or ALU instruction: k, or what X holds.
fn operand(values: &mut Values, state: &State, instruction: Instruction) -> Option<ValueId> {
    if opcode::src(instruction.code) == opcode::X { state.x } else { Some(values.id(Value::Constant(instruction.k))) }
}

fn width(size: u16) -> u32 {
    match size {
        opcode::W => 4,
        opcode::H => 2,
        _ => 1,
    }
}

/// Whether the load `instruction` is one that cannot fail here: of a constant, the wire length, a scratch word,
/// the process terms, or one that already succeeded.
fn load_known_to_succeed(values: &mut Values, state: &State, instruction: Instruction) -> bool {
    let Instruction { code, k, .. } = instruction;
    let size = opcode::size(code);
    match opcode::mode(code) {
        opcode::ABS if k == PROCESS_TERMS_LOAD_OFFSET => true,
        opcode::ABS if k == DIRECTION_LOAD_OFFSET => {
            state.loaded.binary_search(&values.id(Value::Absolute { size, k })).is_ok()
        }
        opcode::ABS => k.checked_add(width(size)).is_some_and(|end| end <= state.readable),
        opcode::MSH => k < state.readable,
        opcode::IND => {
            state.x.is_some_and(|x| state.loaded.binary_search(&values.id(Value::Indexed { size, x, k })).is_ok())
        }
        _ => true,
    }
}

/// The effect of a statement (not a jump) on `state`, for a run that goes on after it.
fn execute(values: &mut Values, state: &mut State, instruction: Instruction) {
    let Instruction { code, k, .. } = instruction;
    let size = opcode::size(code);
    let loaded = |values: &mut Values, state: &mut State| -> Option<ValueId> {
        match opcode::mode(code) {
            opcode::IMM => Some(values.id(Value::Constant(k))),
            opcode::LEN => Some(values.id(Value::WireLength)),
            opcode::MEM => state.memory[k as usize],
            opcode::ABS => {
                let id = values.id(Value::Absolute { size, k });
                if k == DIRECTION_LOAD_OFFSET || k == PROCESS_TERMS_LOAD_OFFSET {
                    state.record_load(id);
                } else {
                    state.readable = state.readable.max(k.saturating_add(width(size)));
                }
                Some(id)
            }
            opcode::IND => {
                let id = values.id(Value::Indexed { size, x: state.x?, k });
                state.record_load(id);
                Some(id)
            }
            // MSH.
            _ => {
                state.readable = state.readable.max(k.saturating_add(1));
                Some(values.id(Value::HeaderLength { k }))
            }
        }
    };
    match opcode::class(code) {
        opcode::LD => state.a = loaded(values, state),
        opcode::LDX => state.x = loaded(values, state),
        opcode::ST => state.memory[k as usize] = state.a,
        opcode::STX => state.memory[k as usize] = state.x,
        opcode::ALU => {
            let operand = if opcode::op(code) == opcode::NEG {
                Some(values.id(Value::Constant(0)))
            } else {
                operand(values, state, instruction)
            };
            state.a = match (state.a, operand) {
                (Some(a), Some(operand)) => Some(values.id(Value::Arithmetic { op: opcode::op(code), a, operand })),
                _ => None,
            };
        }
        _ if opcode::misc_op(code) == opcode::TAX => state.x = state.a,
        _ => state.a = state.x,
    }
}

/// Whether `value <op> operand` holds, if the facts of `state` tell.
fn outcome(values: &Values, state: &State, op: u16, value: ValueId, operand: ValueId) -> Option<bool> {
    let facts = || state.facts.iter().filter(move |fact| fact.value == value);
    if let Some(fact) = facts().find(|fact| fact.op == op && fact.operand == operand) {
        return Some(fact.holds);
    }
    let known = values.constant(value).or_else(|| {
        facts().find(|fact| fact.op == opcode::JEQ && fact.holds).and_then(|fact| values.constant(fact.operand))
    });
    let operand = values.constant(operand)?;
    if let Some(known) = known {
        return Some(compare(op, known, operand));
    }
    // The range the value lies in, and the bits known clear or set.
    let (mut low, mut high) = (0u32, u32::MAX);
    for fact in facts() {
        let Some(k) = values.constant(fact.operand) else { continue };
        match (fact.op, fact.holds) {
            (opcode::JGT, true) => low = low.max(k.saturating_add(1)),
            (opcode::JGT, false) => high = high.min(k),
            (opcode::JGE, true) => low = low.max(k),
            (opcode::JGE, false) => high = high.min(k.saturating_sub(1)),
            (opcode::JSET, false) if op == opcode::JSET && operand & !k == 0 => return Some(false),
            (opcode::JSET, true) if op == opcode::JSET && k & !operand == 0 && k != 0 => return Some(true),
            _ => {}
        }
    }
    if low > high {
        return None;
    }
    match op {
        opcode::JEQ if operand < low || operand > high => Some(false),
        opcode::JGT if low > operand => Some(true),
        opcode::JGT if high <= operand => Some(false),
        opcode::JGE if low >= operand => Some(true),
        opcode::JGE if high < operand => Some(false),
        _ => None,
    }
}

fn compare(op: u16, a: u32, operand: u32) -> bool {
    match op {
        opcode::JEQ => a == operand,
        opcode::JGT => a > operand,
        opcode::JGE => a >= operand,
        _ => a & operand != 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CaptureSource, LinkType, compile_for};

    /// A run of a program on a packet: what it returned, how many instructions it executed, and where in the packet
    /// each of its loads read.
    struct Trace {
        verdict: u32,
        executed: usize,
        packet_loads: Vec<usize>,
    }

    /// Runs `program` on `packet`: a tracer for the loads, stores, jumps and returns of port tests (any other
    /// instruction panics).
    fn trace(program: &[Instruction], packet: &[u8]) -> Trace {
        let (mut pc, mut a, mut x, mut memory) = (0usize, 0u32, 0u32, [0u32; MEMORY_WORDS as usize]);
        let mut trace = Trace { verdict: 0, executed: 0, packet_loads: Vec::new() };
        let field = |trace: &mut Trace, offset: usize, width: usize| {
            trace.packet_loads.push(offset);
            packet.get(offset..offset + width).map(|bytes| bytes.iter().fold(0, |v, &b| v << 8 | u32::from(b)))
        };
        loop {
            let Instruction { code, jt, jf, k } = program[pc];
            trace.executed += 1;
            pc += 1;
            let width = [4, 2, 1][usize::from(opcode::size(code) >> 3)];
            let offset = match opcode::mode(code) {
                opcode::IND => (x + k) as usize,
                _ => k as usize,
            };
            match opcode::class(code) {
                opcode::RET => {
                    trace.verdict = k;
                    return trace;
                }
                opcode::LD if opcode::mode(code) == opcode::MEM => a = memory[offset],
                opcode::LDX if opcode::mode(code) == opcode::MEM => x = memory[offset],
                opcode::ST => memory[offset] = a,
                opcode::STX => memory[offset] = x,
                opcode::LD => match field(&mut trace, offset, width) {
                    Some(value) => a = value,
                    None => return trace,
                },
                opcode::LDX => x = 4 * (field(&mut trace, offset, 1).unwrap() & 0xf),
                opcode::JMP if opcode::op(code) == opcode::JA => pc += k as usize,
                opcode::JMP => {
                    let holds = if opcode::op(code) == opcode::JEQ { a == k } else { a & k != 0 };
                    pc += usize::from(if holds { jt } else { jf });
                }
                _ => panic!("instruction {code:#x} not traced"),
            }
        }
    }

    /// Ethernet, IPv4 and a UDP header from port 40000 to `port`.
    fn udp_frame(port: u16) -> Vec<u8> {
        let mut frame = vec![2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x08, 0x00];
        frame.extend([0x45, 0, 0, 28, 0, 1, 0x40, 0, 64, 17, 0, 0, 10, 0, 0, 2, 10, 0, 0, 1]);
        frame.extend(40000u16.to_be_bytes());
        frame.extend(port.to_be_bytes());
        frame.extend([0, 8, 0, 0]);
        frame
    }

    #[test]
    fn twenty_one_ports_cost_a_rejected_packet_a_fraction_of_the_instructions() {
        let ports: Vec<String> = (1000..1020).chain([80]).map(|port| format!("port {port}")).collect();
        let program = compile_for(&ports.join(" or "), LinkType::Ethernet, CaptureSource::Live).unwrap();
        let optimized = program.optimized();
        let (before, after) =
            (trace(&program.instructions, &udp_frame(53)), trace(&optimized.instructions, &udp_frame(53)));
        assert_eq!((before.verdict, after.verdict), (0, 0));
        // Measured: 140 instructions run for the rejected packet, 55 optimized (544 instructions, 327 optimized; before
        // code generation joined the run of ports, 379 and 97 of 1286 and 709).
        assert!(
            after.executed * 2 < before.executed,
            "{} instructions run before, {} after",
            before.executed,
            after.executed
        );
        // Measured: 90 loads from the packet compiled (210 before code generation joined the run), 6 optimized.
        let mut fields = after.packet_loads.clone();
        fields.sort();
        fields.dedup();
        assert_eq!(
            after.packet_loads.len(),
            fields.len(),
            "each field read from the packet once ({} loads compiled): {:?}",
            before.packet_loads.len(),
            after.packet_loads
        );
        assert_ne!(trace(&optimized.instructions, &udp_frame(1019)).verdict, 0);
        assert_ne!(trace(&optimized.instructions, &udp_frame(80)).verdict, 0);
    }

    #[test]
    fn programs_with_jumps_back_are_left_as_they_are() {
        let program = compile_for("protochain 6", LinkType::Ethernet, CaptureSource::Live).unwrap();
        assert_eq!(program.optimized(), program);
    }

    #[test]
    fn a_load_that_may_fail_is_never_skipped() {
        // `ether[100] = 1 or ether[100] = 1`: the second test is known false when the first fails, but only past a
        // load that succeeded; a packet shorter than 101 bytes must still be rejected by the first load.
        let program = compile_for("ether[100] = 1 or ether[100] = 1", LinkType::Ethernet, CaptureSource::Live).unwrap();
        let optimized = program.optimized();
        assert!(
            optimized.instructions.len() < program.instructions.len(),
            "{}",
            optimized.dump(crate::DumpStyle::Readable)
        );
        for length in [0, 50, 100, 101, 200] {
            let mut packet = vec![0u8; length];
            if length > 100 {
                packet[100] = 1;
            }
            assert_eq!(optimized.run(&packet, 300, None), program.run(&packet, 300, None));
        }
    }
}
