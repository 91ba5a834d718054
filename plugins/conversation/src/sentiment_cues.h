#pragma once
// Word lists the sentiment analyser's rules use (grammar and cues, not vocabulary: valences live in
// the lexicon files). All entries are folded (lower case, no accents). Written for Zaplify.
// Included by sentiment_analyzer.cpp only.

#include <array>
#include <string_view>

#include "lexicon.h"

namespace zaplify::conversation::cues {

inline const StringSet& negators() {
  static const StringSet s{
      "not", "no", "never", "dont", "don't", "doesnt", "doesn't", "didnt", "didn't", "isnt",
      "isn't", "wasnt", "wasn't", "arent", "aren't", "werent", "weren't", "cant", "can't",
      "cannot", "couldnt", "couldn't", "wont", "won't", "wouldnt", "wouldn't", "shouldnt",
      "shouldn't", "havent", "haven't", "hasnt", "hasn't", "hadnt", "hadn't", "aint", "ain't",
      "nothing", "nobody", "none", "neither", "nor", "without", "zero", "nao", "n", "nunca", "nem",
      "jamais", "nada", "ninguem", "nenhum", "nenhuma", "sem", "tampouco"};
  return s;
}

// Negators that are a subject or object ("nobody told me about the fees"): they negate only the
// words right after them (three), not the rest of the clause.
inline const StringSet& pronoun_negators() {
  static const StringSet s{"nothing", "nobody", "none", "ninguem", "nada", "nenhum", "nenhuma"};
  return s;
}

inline const StringSet& intensifiers() {
  static const StringSet s{
      "very", "really", "so", "too", "extremely", "super", "totally", "absolutely", "completely",
      "incredibly", "highly", "truly", "especially", "utterly", "most", "more", "such", "damn",
      "freaking", "seriously", "insanely", "ridiculously", "hugely", "awfully", "terribly",
      "deeply", "majorly", "exceptionally", "remarkably", "muito", "muita", "muitos", "muitas",
      "mt", "mto", "mta", "mtt", "bem", "bastante", "extremamente", "totalmente",
      "completamente", "absolutamente", "tao", "mega", "hiper", "ultra", "realmente",
      "simplesmente", "mais", "tanto", "tanta", "incrivelmente", "altamente", "demasiado", "mo"};
  return s;
}

inline const StringSet& dampeners() {
  static const StringSet s{
      "slightly", "somewhat", "kinda", "sorta", "barely", "hardly", "little",
      "bit", "marginally", "partly", "fairly", "pouco", "pouquinho", "meio", "meia",
      "razoavelmente", "ligeiramente", "levemente", "quase", "meh"};
  return s;
}

// After the valenced word ("caro demais").
inline const StringSet& post_intensifiers() {
  static const StringSet s{"demais", "dms", "pacas", "af"};
  return s;
}

// "X but Y": Y weighs more. Also ends a negation's scope.
inline const StringSet& contrasts() {
  static const StringSet s{"but", "however", "mas", "porem", "contudo", "entretanto", "todavia"};
  return s;
}

// Conjunctions that end a negation's scope ("não chegou e quebrou": "quebrou" is not negated).
inline const StringSet& clause_joiners() {
  static const StringSet s{"and", "or", "because", "e", "ou", "porque", "pois"};
  return s;
}

// Portuguese "no" is "in the": only English text treats it as a negation.
inline const StringSet& portuguese_markers() {
  static const StringSet s{"de", "que", "nao", "voce", "vc", "eu", "um", "uma", "para", "pra",
                           "com", "muito", "meu", "minha", "esta", "ta", "foi", "o", "os", "do",
                           "da", "na", "mas", "isso", "obrigado", "obrigada", "e", "em", "ja",
                           "vcs", "voces", "pelo", "pela", "cade", "tem", "se"};
  return s;
}

// Courtesy: thanks, apologies and okays are manners, not opinions. Alone they leave a message
// neutral; around a complaint they do not soften it.
inline const StringSet& courtesy_words() {
  static const StringSet s{"thanks", "thank", "thx", "ty", "please", "pls", "plz", "sorry",
                           "apologies", "obrigado", "obrigada", "obg", "brigado", "brigada",
                           "valeu", "vlw", "desculpa", "desculpe", "perdao", "beleza", "blz",
                           "ok", "okay", "okk", "certo", "tranquilo", "favor", "hope"};
  return s;
}

// Laughter is manners too ("sorry for the many messages lol"): alone it leaves a message neutral.
inline const StringSet& laughter() {
  static const StringSet s{"lol", "lmao", "haha", "hehe", "kkk", "kk", "rsrs", "huehue"};
  return s;
}

// Courtesy phrases of the lexicon ("thank you", well-wishing), treated like courtesy words.
inline const StringSet& courtesy_phrases() {
  static const StringSet s{"thank you", "thanks so much", "thank you so much", "thanks a lot", "por favor",
                           "muito obrigado", "muito obrigada"};
  return s;
}

// Positive phrases that, in a plain question, are a greeting ("e aí, tudo certo?").
inline const StringSet& greeting_questions() {
  static const StringSet s{"tudo certo", "td certo", "tudo joia", "td joia", "tudo tranquilo", "td tranquilo",
                           "tudo otimo", "all good"};
  return s;
}

// Praise words that open an acknowledgement ("perfect, talk tomorrow then", "show, anotado"):
// followed by a comma and nothing else valenced, they acknowledge rather than praise.
inline const StringSet& acknowledgement_openers() {
  static const StringSet s{"perfect", "perfeito", "perfeita", "show", "otimo", "otima", "great", "massa",
                           "top", "cool", "nice", "legal", "joia", "excelente", "excellent", "awesome",
                           "maravilha", "fechou"};
  return s;
}

// Words that make a clause a request when they come among its first three words ("I need to
// cancel...", "gostaria de solicitar o reembolso"): service words in a plain request count 0.
// Hedged and polite forms only: a bare "quero cancelar" / "I want a refund" is a demand.
inline const StringSet& request_cues() {
  static const StringSet s{"need", "i'd", "id", "would", "could", "please", "pls", "plz", "preciso",
                           "precisava", "queria", "gostaria", "pode", "poderia", "podem", "podia",
                           "solicitar", "favor"};
  return s;
}

// A question with one of these is rhetorical, i.e. a complaint ("do you guys even read this?",
// "vocês leem ou não?"): praise in it reads as its opposite; with nothing valenced it is negative.
// Phrases of up to three words.
inline const StringSet& rhetorical_phrases() {
  static const StringSet s{"you even", "guys even", "you people even", "ou nao", "or not", "how hard",
                           "that hard", "so hard", "tao dificil", "como que", "how come", "como assim",
                           "who approved", "quem aprovou", "seriously", "serio", "kidding me"};
  return s;
}

// Reported promises ("you said it would arrive monday", "disseram que tava resolvido"): the praise
// in them is what was promised, not an opinion; a statement with one and nothing else valenced is
// a complaint (a broken promise stated as fact). Phrases of up to three words.
inline const StringSet& promise_phrases() {
  static const StringSet s{"promised", "promise", "you said", "they said", "u said", "told me", "was told",
                           "supposed to", "prometeram", "prometeu", "prometido", "prometida", "garantiram",
                           "garantiu", "disseram que", "falaram que", "disse que", "falou que", "era pra",
                           "era para", "ficaram de", "ficou de"};
  return s;
}

inline const StringSet& apology_words() {
  static const StringSet s{"sorry", "apologies", "desculpa", "desculpe", "perdao", "foi mal", "my bad"};
  return s;
}

// Service words that make a routine request sound negative ("can I cancel?"): word prefixes.
inline constexpr std::array<std::string_view, 26> kLoadedPrefixes{
    "cancel", "refund", "reembols", "estorn", "atras", "delay", "late", "damag", "defe",
    "broke", "quebr", "devol", "return", "troca", "multa", "fee", "demor", "problem",
    "errad", "wrong", "reclam", "complain", "perdid", "lost", "missing", "missed"};

// In a question these make it a complaint, not a request ("why is it late again?").
inline const StringSet& complaint_question_cues() {
  static const StringSet s{"why", "again", "still", "ainda", "pq", "porque", "cade",
                           "novo", "vez", "sempre", "always"};
  return s;
}

// Markers that, next to praise, mean the opposite (see README "Sarcasm cues").
// Emoji that undercut praise anywhere in the message.
inline const StringSet& sarcasm_emoji() {
  static const StringSet s{"\xF0\x9F\x99\x84" /* 🙄 */, "\xF0\x9F\x99\x83" /* 🙃 */,
                           "\xF0\x9F\x98\x92" /* 😒 */, "\xF0\x9F\x98\x91" /* 😑 */};
  return s;
}
inline constexpr std::string_view kClap = "\xF0\x9F\x91\x8F";  // 👏 after a complaint
// Repetition markers: praise plus a complaint plus "again" is sarcasm ("perfect, broke again").
// Phrases of up to three words.
inline const StringSet& repetition_phrases() {
  static const StringSet s{"again", "denovo", "novamente", "de novo", "outra vez",
                           "mais uma vez", "as always", "como sempre", "como sempre ne"};
  return s;
}
// Markers that are sarcastic on their own, whatever else the message says.
inline const StringSet& sarcasm_phrases() {
  static const StringSet s{"yeah right", "so que nao", "sqn", "aham sei", "aham", "sure jan"};
  return s;
}

// Words that open a greeting or an acknowledgement, and a request (for the explained intent).
inline const StringSet& greeting_words() {
  static const StringSet s{"hi", "hello", "hey", "oi", "oii", "oie", "ola", "eai", "opa",
                           "good", "bom", "boa", "salve"};
  return s;
}
inline const StringSet& acknowledgement_words() {
  static const StringSet s{"ok", "okay", "okk", "certo", "entendi", "blz", "beleza", "got",
                           "alright", "noted", "sure", "ta", "combinado", "perfeito", "fechado",
                           "thanks", "valeu", "obrigado", "obrigada"};
  return s;
}
inline const StringSet& request_words() {
  static const StringSet s{"please", "pls", "send", "manda", "mande", "envia", "envie", "pode",
                           "poderia", "could", "can", "quero", "queria", "gostaria", "preciso",
                           "need", "want", "i'd", "id", "would"};
  return s;
}
inline const StringSet& question_words() {
  static const StringSet s{"what", "when", "where", "which", "who", "how", "why", "is", "are",
                           "do", "does", "qual", "quais", "quando", "onde", "quem", "como",
                           "quanto", "quanta", "quantos", "tem", "voces", "vcs", "posso"};
  return s;
}

}  // namespace zaplify::conversation::cues
