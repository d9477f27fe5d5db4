def test_applicant_lands_on_own_home(login, applicant):
    response = login(applicant).get("/", follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/me/"
    assert "张三" in response.content.decode()
