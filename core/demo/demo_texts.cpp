#include "demo/demo_texts.h"

namespace zaplify::core::demo {

const std::vector<Phrase>& lead_phrases(int language) {
  static const std::vector<Phrase> en = {
      {"How much does the premium plan cost?", 0},
      {"What is the price for 10 users?", 0},
      {"The price is way too high for us, honestly disappointing", -1},
      {"When will the delivery arrive?", 0},
      {"My delivery is late again, this is terrible", -1},
      {"I want to cancel my subscription", -1},
      {"How do I cancel? I am very unhappy with the service", -1},
      {"Thanks, that was really helpful!", 1},
      {"Great service, thank you so much 😊", 1},
      {"Can I schedule a demo this week?", 0},
      {"The demo was amazing, we love it", 1},
      {"Is there any discount for annual plans?", 0},
      {"Do you have a discount coupon? The price is not bad", 0},
      {"Not happy with the support so far", -1},
      {"Perfect, that solves my problem", 1},
      {"Can you send me the contract proposal?", 0},
  };
  static const std::vector<Phrase> pt = {
      {"Qual é o preço do plano premium?", 0},
      {"Quanto custa para 10 usuários?", 0},
      {"O preço está muito caro, que decepção", -1},
      {"Quando chega a entrega?", 0},
      {"A entrega atrasou de novo, péssimo atendimento", -1},
      {"Quero cancelar minha assinatura", -1},
      {"Como faço para cancelar? Estou muito insatisfeito", -1},
      {"Obrigado, ajudou muito!", 1},
      {"Ótimo atendimento, muito obrigada 😊", 1},
      {"Posso agendar uma demonstração esta semana?", 0},
      {"A demo foi excelente, adorei", 1},
      {"Tem desconto para pagamento anual?", 0},
      {"Vocês têm algum cupom de desconto?", 0},
      {"Não gostei do suporte até agora", -1},
      {"Perfeito, resolveu meu problema", 1},
      {"Pode me enviar a proposta comercial?", 0},
  };
  return language == 0 ? en : pt;
}

const std::vector<const char*>& greetings(int language) {
  static const std::vector<const char*> en = {"Hi, I saw your ad", "Hello! I need some information",
                                              "Good morning", "Hi there, is anyone available?"};
  static const std::vector<const char*> pt = {"Olá, vi o anúncio de vocês",
                                              "Oi! Preciso de informações", "Bom dia",
                                              "Boa tarde, alguém pode me ajudar?"};
  return language == 0 ? en : pt;
}

const std::vector<const char*>& assistant_replies(int language) {
  static const std::vector<const char*> en = {
      "Hi! I'm the virtual assistant. How can I help you today?",
      "Our premium plan starts at $49 per month per user.",
      "I checked your order: the delivery is scheduled for tomorrow.",
      "I can schedule a demo for you. Which day works best?",
      "We offer a 15% discount on annual plans.",
      "I'm sorry about that. Let me see what I can do.",
      "I'll transfer you to a specialist who can help further.",
  };
  static const std::vector<const char*> pt = {
      "Olá! Sou a assistente virtual. Como posso ajudar?",
      "O plano premium custa a partir de R$ 249 por mês por usuário.",
      "Verifiquei seu pedido: a entrega está prevista para amanhã.",
      "Posso agendar uma demonstração. Qual dia é melhor para você?",
      "Temos 15% de desconto nos planos anuais.",
      "Sinto muito por isso. Vou verificar o que posso fazer.",
      "Vou transferir você para um especialista.",
  };
  return language == 0 ? en : pt;
}

const std::vector<const char*>& agent_replies(int language) {
  static const std::vector<const char*> en = {
      "Hi, this is Ana from the sales team. I can help you now.",
      "I've applied the discount to your account.",
      "Your cancellation request has been registered."};
  static const std::vector<const char*> pt = {
      "Oi, aqui é a Ana do time comercial. Posso ajudar agora.",
      "Apliquei o desconto na sua conta.", "Seu pedido de cancelamento foi registrado."};
  return language == 0 ? en : pt;
}

}  // namespace zaplify::core::demo
